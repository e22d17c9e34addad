using ChatSocket.EmbeddedMongo.Journal;

namespace ChatSocket.EmbeddedMongo.Faults;

/// <summary>The journal file with the journal faults of a <see cref="FaultInjector"/> applied.</summary>
internal sealed class FaultInjectingJournalFile(IJournalFile inner, FaultInjector faults) : IJournalFile
{
    // ENOSPC, as .NET on Unix reports it in HResult, so the fault is answered like the real thing.
    private const int NoSpaceLeftOnDevice = 28;

    public long Length => inner.Length;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken)
    {
        if (faults.TakeJournalWriteFault())
        {
            // A full disk takes part of a write before it fails: leave a torn record behind, as it does.
            await inner.WriteAsync(data[..(data.Length / 2)], offset, cancellationToken);
            throw DiskFull();
        }

        await inner.WriteAsync(data, offset, cancellationToken);
    }

    public void FlushToDisk()
    {
        if (faults.TakeJournalFlushFault())
        {
            throw DiskFull();
        }

        inner.FlushToDisk();
    }

    public void SetLength(long length) => inner.SetLength(length);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static IOException DiskFull() => new("No space left on device (injected fault)", NoSpaceLeftOnDevice);
}
