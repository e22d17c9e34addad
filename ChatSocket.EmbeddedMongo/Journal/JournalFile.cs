using Microsoft.Win32.SafeHandles;

namespace ChatSocket.EmbeddedMongo.Journal;

/// <summary>The journal file on disk, written through its handle (no stream buffer that could keep failed bytes).</summary>
internal sealed class JournalFile(FileStream stream) : IJournalFile
{
    private readonly SafeFileHandle _handle = stream.SafeFileHandle;

    public long Length => RandomAccess.GetLength(_handle);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken) =>
        RandomAccess.WriteAsync(_handle, data, offset, cancellationToken);

    public void FlushToDisk() => RandomAccess.FlushToDisk(_handle);

    public void SetLength(long length) => RandomAccess.SetLength(_handle, length);

    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
