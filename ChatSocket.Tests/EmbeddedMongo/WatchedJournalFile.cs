using ChatSocket.EmbeddedMongo.Journal;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>A journal file that tells what reached it and when it was fsync'd, and can hold its fsyncs.</summary>
internal sealed class WatchedJournalFile(IJournalFile inner) : IJournalFile
{
    private long _writtenThrough;
    private long _flushedThrough;
    private int _flushesStarted;

    /// <summary>The end of the furthest write completed so far.</summary>
    public long WrittenThrough => Interlocked.Read(ref _writtenThrough);

    /// <summary>How far the file had been written when the last fsync completed.</summary>
    public long FlushedThrough => Interlocked.Read(ref _flushedThrough);

    /// <summary>While set and not signalled, fsyncs wait (and so does the journal's flusher).</summary>
    public ManualResetEventSlim? HoldFlushes { get; set; }

    /// <summary>Fsyncs started so far (including one being held).</summary>
    public int FlushesStarted => Volatile.Read(ref _flushesStarted);

    public long Length => inner.Length;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken)
    {
        await inner.WriteAsync(data, offset, cancellationToken);
        Interlocked.Exchange(ref _writtenThrough, Math.Max(WrittenThrough, offset + data.Length));
    }

    public void FlushToDisk()
    {
        var written = WrittenThrough;
        Interlocked.Increment(ref _flushesStarted);
        if (HoldFlushes is { } hold && !hold.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("the test never released the held fsync");
        }

        inner.FlushToDisk();
        Interlocked.Exchange(ref _flushedThrough, written);
    }

    public void SetLength(long length)
    {
        inner.SetLength(length);
        Interlocked.Exchange(ref _writtenThrough, Math.Min(WrittenThrough, length));
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
