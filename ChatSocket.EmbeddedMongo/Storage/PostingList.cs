namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>
/// The documents holding one word of a text index (under one prefix value), in record-id order. A struct kept in its
/// dictionary's slot. Most words of a room occur once, so one document is held inline with no array; more go in an
/// array that doubles, and an insert (record ids grow) is an append.
/// </summary>
internal struct PostingList
{
    // A StoredDocument while Count is 1, else the array of Count documents (null when empty).
    private object? _items;

    public int Count { get; private set; }

    public readonly StoredDocument this[int index] =>
        _items is StoredDocument single ? single : ((StoredDocument[])_items!)[index];

    /// <summary>Adds the document in record-id order; false when it is already there.</summary>
    public bool Add(StoredDocument document)
    {
        if (_items is null)
        {
            _items = document;
            Count = 1;
            return true;
        }

        var at = Count;
        if (this[Count - 1].RecordId >= document.RecordId)
        {
            // Out of order only for a replaced document (same record id, new text) or an undone delete.
            at = Find(document.RecordId);
            if (at >= 0)
            {
                return false;
            }

            at = ~at;
        }

        var array = _items as StoredDocument[];
        if (array is null)
        {
            array = new StoredDocument[4];
            array[0] = (StoredDocument)_items;
        }
        else if (Count == array.Length)
        {
            Array.Resize(ref array, Count * 2);
        }

        Array.Copy(array, at, array, at + 1, Count - at);
        array[at] = document;
        _items = array;
        Count++;
        return true;
    }

    /// <summary>Removes the document; false when it is not there.</summary>
    public bool Remove(StoredDocument document)
    {
        var at = Find(document.RecordId);
        if (at < 0)
        {
            return false;
        }

        Count--;
        if (_items is StoredDocument)
        {
            _items = null;
            return true;
        }

        var array = (StoredDocument[])_items!;
        Array.Copy(array, at + 1, array, at, Count - at);
        array[Count] = null!;
        if (Count == 0)
        {
            _items = null;
        }

        return true;
    }

    private readonly int Find(long recordId)
    {
        var low = 0;
        var high = Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var c = this[mid].RecordId.CompareTo(recordId);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }
}
