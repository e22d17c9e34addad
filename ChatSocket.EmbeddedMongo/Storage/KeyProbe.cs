namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>Seeks the first index entry whose key is not less than a given encoded key (any record id).</summary>
internal readonly struct KeyProbe(IndexEntryComparer comparer, byte[] key) : ITreeProbe<IndexEntry>
{
    public bool IsBefore(IndexEntry item) => comparer.CompareKeys(item.Key, key) < 0;
}
