namespace ChatSocket.EmbeddedMongo.Cursors;

/// <summary>An open cursor: the remaining result documents (already projected) and when it was last used.</summary>
internal sealed class ServerCursor(long id, string ns, List<byte[]> documents, int position)
{
    public long Id { get; } = id;

    public string Namespace { get; } = ns;

    public List<byte[]> Documents { get; } = documents;

    public int Position { get; set; } = position;

    /// <summary>Environment.TickCount64 of the last use; idle cursors past the timeout are killed.</summary>
    public long LastUsed { get; set; } = Environment.TickCount64;

    public bool IsExhausted => Position >= Documents.Count;
}
