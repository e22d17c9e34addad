namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>Orders index entries by key (each field ascending or descending) and then by record id.</summary>
internal sealed class IndexEntryComparer(int[] directions) : IComparer<IndexEntry>
{
    public int Compare(IndexEntry x, IndexEntry y)
    {
        var c = CompareKeys(x.Key, y.Key);
        if (c != 0)
        {
            return c;
        }

        // Probes built for a key-only search carry no document.
        if (x.Document is null || y.Document is null)
        {
            return 0;
        }

        return x.Document.RecordId.CompareTo(y.Document.RecordId);
    }

    /// <summary>Compares two encoded keys of this index.</summary>
    public int CompareKeys(byte[] x, byte[] y) => IndexKeyCodec.Compare(x, y, directions);
}
