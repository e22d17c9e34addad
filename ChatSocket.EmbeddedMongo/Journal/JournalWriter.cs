using System.Buffers.Binary;
using System.Text;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Journal;

/// <summary>
/// Append-only journal with group commit. Writers apply a change in memory and append its record to an in-memory
/// buffer (under the collection lock, so the journal order is the apply order), with a way to undo the change;
/// then they await <see cref="WaitDurableAsync"/>. One flusher loop writes everything buffered and fsyncs once for
/// all of them. Record: int32 payload length, uint32 CRC-32C of the payload, payload (kind byte + body).
/// <para>
/// A batch that cannot be written or fsync'd (a full disk) is cut off the file again, and it and every record
/// appended after it are undone in memory, newest first, and their commands fail: a later record may depend on a
/// failed one, and nothing may stay visible that a restart would not replay. Appends are refused while that
/// happens. Then the journal carries on, so writes succeed again as soon as there is space. If even the cut
/// fails, every batch first retries it and fails until it succeeds: no record is ever written after torn bytes.
/// </para>
/// </summary>
internal sealed class JournalWriter : IAsyncDisposable
{
    public const int HeaderSize = 8;

    private readonly IJournalFile _file;
    private readonly long _maxPendingBytes;
    private readonly object _sync = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private MemoryStream _pending = new();
    private MemoryStream _spare = new();
    private List<PendingRecord> _pendingRecords = [];
    private List<PendingRecord> _spareRecords = [];
    private long _appended;
    private long _resolved;
    private bool _rollingBack;
    private long _rollbacks;
    private Exception? _lastFailure;
    private TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Only the flusher touches these: the end of the last durable record, and whether bytes past it may remain.
    private long _durableLength;
    private bool _mustCut;

    public JournalWriter(IJournalFile file, long maxPendingBytes)
    {
        _file = file;
        _maxPendingBytes = maxPendingBytes;
        _durableLength = file.Length;
    }

    /// <summary>
    /// Appends a record of documents. <paramref name="undo"/> takes the in-memory change back (it locks what it
    /// needs) if the record does not reach the disk; if the journal refuses the record it runs before this throws.
    /// </summary>
    public void AppendDocuments(JournalRecordKind kind, string database, string collection, IReadOnlyList<StoredDocument> documents, Action? undo = null)
    {
        Exception? refusedBy;
        lock (_sync)
        {
            if (!_rollingBack)
            {
                var start = BeginRecord(kind);
                WriteCString(database);
                WriteCString(collection);
                foreach (var document in documents)
                {
                    _pending.Write(document.Bytes);
                }

                EndRecord(start, undo);
                return;
            }

            refusedBy = _lastFailure;
        }

        Refuse(undo, refusedBy);
    }

    /// <summary>Appends a catalog operation; <paramref name="undo"/> as for <see cref="AppendDocuments"/>.</summary>
    public void AppendCatalog(BsonDocument operation, Action? undo = null)
    {
        var bytes = operation.ToBson();
        Exception? refusedBy;
        lock (_sync)
        {
            if (!_rollingBack)
            {
                var start = BeginRecord(JournalRecordKind.Operation);
                _pending.Write(bytes);
                EndRecord(start, undo);
                return;
            }

            refusedBy = _lastFailure;
        }

        Refuse(undo, refusedBy);
    }

    private static void Refuse(Action? undo, Exception? cause)
    {
        // Outside the journal lock: the undo takes collection locks, and the flusher takes those without it.
        undo?.Invoke();
        throw Unavailable(cause);
    }

    private static IOException Unavailable(Exception? cause) =>
        new("The journal could not be written (" + (cause?.Message ?? "unknown error") + "); the write was not applied.", cause);

    private long BeginRecord(JournalRecordKind kind)
    {
        var start = _pending.Length;
        Span<byte> header = stackalloc byte[HeaderSize];
        _pending.Write(header);
        _pending.WriteByte((byte)kind);
        return start;
    }

    private void EndRecord(long start, Action? undo)
    {
        var buffer = _pending.GetBuffer();
        var payloadStart = (int)start + HeaderSize;
        var payloadLength = (int)_pending.Length - payloadStart;
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan((int)start), payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan((int)start + 4), Crc32C.Compute(buffer.AsSpan(payloadStart, payloadLength)));
        _appended++;
        var ticket = JournalTicket.Current;
        ticket?.Last = _appended;
        _pendingRecords.Add(new PendingRecord(undo, ticket));
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    private void WriteCString(string value)
    {
        Span<byte> buffer = stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length) + 1];
        var n = Encoding.UTF8.GetBytes(value, buffer);
        buffer[n] = 0;
        _pending.Write(buffer[..(n + 1)]);
    }

    /// <summary>Waits while the buffer is over its limit (back-pressure on writers when the disk is slow).</summary>
    public async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task flushed;
            lock (_sync)
            {
                if (_pending.Length < _maxPendingBytes)
                {
                    return;
                }

                flushed = _flushed.Task;
            }

            await flushed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Completes once everything appended before the call is on disk (fsync'd) or rolled back; throws
    /// <see cref="IOException"/> if a record of <paramref name="ticket"/> was rolled back.
    /// </summary>
    public async Task WaitDurableAsync(JournalTicket ticket, CancellationToken cancellationToken)
    {
        long target;
        lock (_sync)
        {
            target = _appended;
        }

        await WaitResolvedAsync(target, cancellationToken);
        lock (_sync)
        {
            if (ticket.Failure is { } failure)
            {
                throw Unavailable(failure);
            }
        }
    }

    /// <summary>How many writes that changed nothing have waited for the records before them to settle (diagnostics).</summary>
    public long SettleWaits { get; private set; }

    /// <summary>Rollbacks so far: a command that read state compares it before and after <see cref="WaitSettledAsync"/>.</summary>
    public long Rollbacks
    {
        get
        {
            lock (_sync)
            {
                return _rollbacks;
            }
        }
    }

    /// <summary>
    /// Completes once everything appended before the call is on disk or rolled back; throws <see cref="IOException"/>
    /// if anything was rolled back since <paramref name="rollbacksSeen"/>: what the caller saw may have been undone.
    /// </summary>
    public async Task WaitSettledAsync(long rollbacksSeen, CancellationToken cancellationToken)
    {
        long target;
        lock (_sync)
        {
            target = _appended;
            SettleWaits++;
        }

        await WaitResolvedAsync(target, cancellationToken);
        lock (_sync)
        {
            if (_rollbacks != rollbacksSeen)
            {
                throw Unavailable(_lastFailure);
            }
        }
    }

    /// <summary>Completes once record <paramref name="sequence"/> and all before it are on disk or rolled back.</summary>
    public async Task WaitResolvedAsync(long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task flushed;
            lock (_sync)
            {
                if (_resolved >= sequence)
                {
                    return;
                }

                flushed = _flushed.Task;
            }

            await flushed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Writes and fsyncs what is buffered now; throws <see cref="IOException"/> if that failed.</summary>
    public async Task FlushAsync()
    {
        if (await FlushOnceAsync(CancellationToken.None) is { } failure)
        {
            throw Unavailable(failure);
        }
    }

    /// <summary>The flusher loop: write what is buffered, fsync, release the waiters; repeat.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _signal.WaitAsync(cancellationToken);
                await FlushOnceAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the final flush happens in DisposeAsync.
        }
    }

    private async Task<IOException?> FlushOnceAsync(CancellationToken cancellationToken)
    {
        MemoryStream batch;
        List<PendingRecord> records;
        long sequence;
        lock (_sync)
        {
            if (_pending.Length == 0)
            {
                return null;
            }

            batch = _pending;
            _pending = _spare;
            _spare = batch;
            records = _pendingRecords;
            _pendingRecords = _spareRecords;
            _spareRecords = records;
            sequence = _appended;
        }

        IOException? failure = null;
        try
        {
            if (_mustCut)
            {
                CutToDurableLength();
            }

            await _file.WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), _durableLength, cancellationToken);
            _file.FlushToDisk();
            _durableLength += batch.Length;
        }
        catch (IOException e)
        {
            failure = e;
            sequence = RollBack(records, e);
        }

        TaskCompletionSource done;
        lock (_sync)
        {
            _resolved = sequence;
            done = _flushed;
            _flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        records.Clear();
        batch.SetLength(0);
        if (batch.Capacity > 16 * 1024 * 1024)
        {
            batch.Capacity = 1024 * 1024;
        }

        done.TrySetResult();
        return failure;
    }

    private void CutToDurableLength()
    {
        _file.SetLength(_durableLength);
        _file.FlushToDisk();
        _mustCut = false;
    }

    /// <summary>
    /// Cuts the failed batch off the file and undoes it and everything appended since, newest first; returns the
    /// sequence number of the last record undone.
    /// </summary>
    private long RollBack(List<PendingRecord> batch, IOException failure)
    {
        try
        {
            CutToDurableLength();
        }
        catch (IOException)
        {
            // The torn bytes stay for now; the next batch cuts them first and fails if it still cannot.
            _mustCut = true;
        }

        List<PendingRecord> later;
        long last;
        lock (_sync)
        {
            _rollingBack = true;
            _rollbacks++;
            last = _appended;
            _lastFailure = failure;
            later = _pendingRecords;
            _pendingRecords = [];
            _pending.SetLength(0);
            MarkFailed(batch, failure);
            MarkFailed(later, failure);
        }

        Undo(later);
        Undo(batch);
        lock (_sync)
        {
            _rollingBack = false;
        }

        return last;
    }

    private static void MarkFailed(List<PendingRecord> records, IOException failure)
    {
        foreach (var record in records)
        {
            record.Ticket?.Failure ??= failure;
        }
    }

    private static void Undo(List<PendingRecord> records)
    {
        for (var i = records.Count - 1; i >= 0; i--)
        {
            records[i].Undo?.Invoke();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await FlushOnceAsync(CancellationToken.None);
        await _file.DisposeAsync();
        _signal.Dispose();
    }
}
