using ChatSocket.EmbeddedMongo.Bson;

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

    public int CompareKeys(MongoDB.Bson.BsonValue[] x, MongoDB.Bson.BsonValue[] y)
    {
        for (var i = 0; i < directions.Length; i++)
        {
            var c = BsonOrder.Instance.Compare(x[i], y[i]);
            if (c != 0)
            {
                return c * directions[i];
            }
        }

        return 0;
    }
}
