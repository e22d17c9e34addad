namespace ChatSocket.EmbeddedMongo.Journal;

/// <summary>
/// The journal's file, by explicit offsets: the writer decides where each batch goes and cuts a failed one off, so
/// no buffered or torn bytes can end up in front of a later record. A seam for fault injection and for tests
/// that watch the fsyncs.
/// </summary>
internal interface IJournalFile : IAsyncDisposable
{
    /// <summary>The file's length on disk now.</summary>
    long Length { get; }

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>; on failure a prefix may be written.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken);

    /// <summary>fsync: everything written so far is on the disk when this returns.</summary>
    void FlushToDisk();

    /// <summary>Cuts the file (or extends it with zeros) to <paramref name="length"/> bytes.</summary>
    void SetLength(long length);
}
