namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>
/// The documents holding one word of a text index (under one prefix value), in record-id order. A struct kept in its
/// dictionary's slot. Most words of a room occur once, so one document is held inline with no array; more go in an
/// array that doubles, and an insert (record ids grow) is an append. A removal shifts the shorter side of the list,
/// so deleting a room's oldest (or newest) messages costs no copying of the rest.
/// </summary>
internal struct PostingList
{
    // A StoredDocument while Count is 1 and no array was needed, else the array holding the documents at
    // [_start, _start + Count) (null when empty).
    private object? _items;
    private int _start;

    public int Count { get; private set; }

    public readonly StoredDocument this[int index] =>
        _items is StoredDocument single ? single : ((StoredDocument[])_items!)[_start + index];

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

        var array = RoomForOneMore();
        Array.Copy(array, _start + at, array, _start + at + 1, Count - at);
        array[_start + at] = document;
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

        if (_items is StoredDocument)
        {
            _items = null;
            Count = 0;
            return true;
        }

        var array = (StoredDocument[])_items!;
        if (at < Count / 2)
        {
            Array.Copy(array, _start, array, _start + 1, at);
            array[_start++] = null!;
        }
        else
        {
            Array.Copy(array, _start + at + 1, array, _start + at, Count - at - 1);
            array[_start + Count - 1] = null!;
        }

        Count--;
        if (Count == 0)
        {
            _items = null;
            _start = 0;
        }

        return true;
    }

    // The array, with a free slot after the last document: moved to the front or doubled when full.
    private StoredDocument[] RoomForOneMore()
    {
        if (_items is StoredDocument single)
        {
            var fresh = new StoredDocument[4];
            fresh[0] = single;
            _items = fresh;
            _start = 0;
            return fresh;
        }

        var array = (StoredDocument[])_items!;
        if (_start + Count < array.Length)
        {
            return array;
        }

        var target = _start >= array.Length / 2 ? array : new StoredDocument[array.Length * 2];
        Array.Copy(array, _start, target, 0, Count);
        if (ReferenceEquals(target, array))
        {
            Array.Clear(array, Count, _start);
        }

        _items = target;
        _start = 0;
        return target;
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
