using System.Buffers.Binary;
using System.Text;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Journal;

/// <summary>
/// Append-only journal with group commit. Writers append records to an in-memory buffer (under the collection
/// lock, so the journal order is the apply order) and then await <see cref="WaitDurableAsync"/>; one flusher loop
/// writes everything buffered and fsyncs once for all of them. Record: int32 payload length, uint32 CRC-32C of the
/// payload, payload (kind byte + body).
/// </summary>
internal sealed class JournalWriter : IAsyncDisposable
{
    public const int HeaderSize = 8;

    private readonly FileStream _file;
    private readonly long _maxPendingBytes;
    private readonly object _sync = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private MemoryStream _pending = new();
    private MemoryStream _spare = new();
    private long _appended;
    private long _durable;
    private Exception? _failure;
    private TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JournalWriter(FileStream file, long maxPendingBytes)
    {
        _file = file;
        _maxPendingBytes = maxPendingBytes;
        _file.Seek(0, SeekOrigin.End);
    }

    /// <summary>Bytes in the journal file, including what is buffered.</summary>
    public long Length
    {
        get
        {
            lock (_sync)
            {
                return _file.Length + _pending.Length;
            }
        }
    }

    public void AppendDocuments(JournalRecordKind kind, string database, string collection, IReadOnlyList<StoredDocument> documents)
    {
        lock (_sync)
        {
            var start = BeginRecord(kind);
            WriteCString(database);
            WriteCString(collection);
            foreach (var document in documents)
            {
                _pending.Write(document.Bytes);
            }

            EndRecord(start);
        }
    }

    public void AppendCatalog(BsonDocument operation)
    {
        var bytes = operation.ToBson();
        lock (_sync)
        {
            var start = BeginRecord(JournalRecordKind.Operation);
            _pending.Write(bytes);
            EndRecord(start);
        }
    }

    private long BeginRecord(JournalRecordKind kind)
    {
        var start = _pending.Length;
        Span<byte> header = stackalloc byte[HeaderSize];
        _pending.Write(header);
        _pending.WriteByte((byte)kind);
        return start;
    }

    private void EndRecord(long start)
    {
        var buffer = _pending.GetBuffer();
        var payloadStart = (int)start + HeaderSize;
        var payloadLength = (int)_pending.Length - payloadStart;
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan((int)start), payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan((int)start + 4), Crc32C.Compute(buffer.AsSpan(payloadStart, payloadLength)));
        _appended++;
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
                if (_failure is not null || _pending.Length < _maxPendingBytes)
                {
                    return;
                }

                flushed = _flushed.Task;
            }

            await flushed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Completes once everything appended before the call is on disk (fsync'd).</summary>
    public async Task WaitDurableAsync(CancellationToken cancellationToken)
    {
        long target;
        lock (_sync)
        {
            target = _appended;
        }

        while (true)
        {
            Task flushed;
            lock (_sync)
            {
                if (_failure is not null)
                {
                    throw new IOException("The journal could not be written; the write may not be durable.", _failure);
                }

                if (_durable >= target)
                {
                    return;
                }

                flushed = _flushed.Task;
            }

            await flushed.WaitAsync(cancellationToken);
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

    private async Task FlushOnceAsync(CancellationToken cancellationToken)
    {
        MemoryStream batch;
        long sequence;
        lock (_sync)
        {
            if (_pending.Length == 0 || _failure is not null)
            {
                return;
            }

            batch = _pending;
            _pending = _spare;
            _spare = batch;
            sequence = _appended;
        }

        TaskCompletionSource done;
        try
        {
            await _file.WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), cancellationToken);
            _file.Flush(flushToDisk: true);
            lock (_sync)
            {
                _durable = sequence;
                done = _flushed;
                _flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        catch (IOException e)
        {
            // A failed fsync leaves the file in an unknown state: fail every waiter and every later write.
            lock (_sync)
            {
                _failure = e;
                done = _flushed;
            }
        }

        batch.SetLength(0);
        if (batch.Capacity > 16 * 1024 * 1024)
        {
            batch.Capacity = 1024 * 1024;
        }

        done.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await FlushOnceAsync(CancellationToken.None);
        await _file.DisposeAsync();
        _signal.Dispose();
    }
}
