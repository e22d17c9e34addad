using System.Text;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using ChatSocket.EmbeddedMongo.Text;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>An ordered index over a collection's documents, keyed by values read straight from the BSON bytes.</summary>
internal sealed class CollectionIndex
{
    private readonly string _namespace;

    private readonly Func<IndexEntry, IndexEntry, bool> _conflicts;
    private readonly StringValuePool _strings = new();
    // A text index's terms of the document being indexed (null for any other index).
    private readonly IndexTermCollector? _terms;

    public CollectionIndex(IndexDefinition definition, string ns)
    {
        Definition = definition;
        _namespace = ns;
        Comparer = new IndexEntryComparer(definition.Directions);
        Tree = new OrderedTree<IndexEntry>(Comparer);
        Postings = definition.IsText ? new TextPostings(definition.TextPrefixCount) : null;
        _terms = definition.IsText ? new IndexTermCollector(_strings) : null;
        _conflicts = (existing, added) => existing.Document.RecordId != added.Document.RecordId && Comparer.CompareKeys(existing.Key, added.Key) == 0;
    }

    public IndexDefinition Definition { get; }

    public IndexEntryComparer Comparer { get; }

    /// <summary>The entries of an index that is not a text index (a text index's tree stays empty).</summary>
    public OrderedTree<IndexEntry> Tree { get; }

    /// <summary>A text index's entries; null for any other index.</summary>
    public TextPostings? Postings { get; }

    /// <summary>True once some document had an array in an indexed field (then one document has several entries).</summary>
    public bool IsMultikey { get; private set; }

    /// <summary>The keys a document contributes: none when a partial/sparse index skips it, several for arrays.</summary>
    public List<BsonValue[]> KeysOf(byte[] document) => KeysOf(document, null);

    private List<BsonValue[]> KeysOf(byte[] document, BsonValue? id)
    {
        var keys = new List<BsonValue[]>(1);
        if (Definition.IsText)
        {
            return TextKeys(document);
        }

        if (!InPartialIndex(document))
        {
            return keys;
        }

        var fieldCount = Definition.Fields.Length;
        var key = new BsonValue[fieldCount];
        var arrayField = -1;
        BsonArray? arrayValues = null;
        var present = 0;
        for (var i = 0; i < fieldCount; i++)
        {
            var value = id is not null && Definition.Fields[i] == "_id" ? id : ReadField(document, i);
            if (value is null)
            {
                key[i] = BsonNull.Value;
                continue;
            }

            present++;
            if (value is BsonArray array)
            {
                if (arrayField >= 0)
                {
                    throw new CommandException(ErrorCodes.CannotIndexParallelArrays, $"cannot index parallel arrays [{Definition.Fields[i]}] [{Definition.Fields[arrayField]}]");
                }

                arrayField = i;
                arrayValues = array;
            }

            key[i] = value;
        }

        if (Definition.Sparse && present == 0)
        {
            return keys;
        }

        if (arrayField < 0)
        {
            keys.Add(key);
            return keys;
        }

        if (arrayValues!.Count == 0)
        {
            key[arrayField] = BsonUndefined.Value;
            keys.Add(key);
            return keys;
        }

        foreach (var element in arrayValues.Distinct())
        {
            var copy = (BsonValue[])key.Clone();
            copy[arrayField] = element;
            keys.Add(copy);
        }

        return keys;
    }

    /// <summary>
    /// A text index's keys: the prefix values followed by each distinct folded word of the text fields. A document
    /// without words has no entry, as in MongoDB (text indexes are sparse).
    /// </summary>
    private List<BsonValue[]> TextKeys(byte[] document)
    {
        var prefix = Definition.TextPrefixCount;
        var collector = _terms!;
        TextDocument.CollectIndexTerms(document, Definition, collector);
        var terms = collector.Terms;
        var keys = new List<BsonValue[]>(terms.Count);
        if (terms.Count == 0)
        {
            return keys;
        }

        var prefixValues = new BsonValue[prefix];
        for (var i = 0; i < prefix; i++)
        {
            prefixValues[i] = ReadField(document, i) ?? BsonNull.Value;
        }

        foreach (var term in terms)
        {
            var key = new BsonValue[prefix + 1];
            prefixValues.CopyTo(key, 0);
            // Words repeat across messages: a shared value keeps one string per word on the heap, not one per entry.
            key[prefix] = term;
            keys.Add(key);
        }

        return keys;
    }

    /// <summary>The keys of a document whose _id is known (the _id index needs no field lookup).</summary>
    public List<BsonValue[]> KeysOf(StoredDocument document) =>
        Definition.IsIdIndex ? [[document.Id]] : KeysOf(document.Bytes, document.Id);

    private bool InPartialIndex(byte[] document)
    {
        if (Definition.PartialExistsFields is { } fields)
        {
            // The common partial filter, {field: {$exists: true}}, checked without parsing.
            foreach (var field in fields)
            {
                if (!RawBson.TryFind(document, field, out _, out _, out _))
                {
                    return false;
                }
            }

            return true;
        }

        return Definition.PartialFilter is not { } partial || partial.Matches(document);
    }

    private BsonValue? ReadField(byte[] document, int field)
    {
        var segments = Definition.FieldSegments[field];
        if (!RawBson.TryFind(document, Definition.FieldUtf8[field], out var type, out var offset, out var size))
        {
            return null;
        }

        // Top-level string keys come from the pool (called under the collection lock, like everything here).
        var top = type == 0x02 ? _strings.Get(document.AsSpan(offset + 4, size - 5)) : RawBson.ReadValue(document, type, offset, size);
        if (segments.Length == 1)
        {
            return top;
        }

        var values = new List<BsonValue>();
        PathValues.Collect(new BsonDocument(segments[0], top), segments, values);
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => new BsonArray(values),
        };
    }

    /// <summary>Throws <see cref="DuplicateKeyException"/> if a unique key is already held by another document.</summary>
    public void CheckUnique(List<BsonValue[]> keys, StoredDocument document)
    {
        if (!Definition.Unique)
        {
            return;
        }

        foreach (var key in keys)
        {
            if (Postings is not null)
            {
                if (Postings.HeldByAnother(key, document))
                {
                    throw Duplicate(key);
                }

                continue;
            }

            var encoded = IndexKeyCodec.Encode(key);
            var position = Tree.SeekFirst(new KeyProbe(Comparer, encoded));
            while (position.IsValid && Comparer.CompareKeys(position.Item.Key, encoded) == 0)
            {
                if (position.Item.Document.RecordId != document.RecordId)
                {
                    throw Duplicate(key);
                }

                position = OrderedTree<IndexEntry>.Step(position, forward: true);
            }
        }
    }

    /// <summary>
    /// Adds a document's keys; for a unique index refuses (adding none) when another document holds one of them.
    /// </summary>
    public void AddChecked(List<BsonValue[]> keys, StoredDocument document)
    {
        if (!Definition.Unique)
        {
            Add(keys, document);
            return;
        }

        if (Postings is not null)
        {
            CheckUnique(keys, document);
            Add(keys, document);
            return;
        }

        MarkMultikey(keys);
        var added = new byte[keys.Count][];
        for (var i = 0; i < keys.Count; i++)
        {
            added[i] = IndexKeyCodec.Encode(keys[i]);
            if (!Tree.Add(new IndexEntry(added[i], document), _conflicts, out var conflict) && conflict.Document is not null)
            {
                for (var j = 0; j < i; j++)
                {
                    Tree.Remove(new IndexEntry(added[j], document));
                }

                throw Duplicate(keys[i]);
            }
        }
    }

    private void MarkMultikey(List<BsonValue[]> keys)
    {
        if (keys.Count > 1 || (keys.Count == 1 && Array.Exists(keys[0], k => k.IsBsonUndefined)))
        {
            IsMultikey = true;
        }
    }

    public void Add(List<BsonValue[]> keys, StoredDocument document)
    {
        MarkMultikey(keys);
        if (Postings is not null)
        {
            Postings.Add(keys, document);
            return;
        }

        foreach (var key in keys)
        {
            Tree.Add(new IndexEntry(IndexKeyCodec.Encode(key), document));
        }
    }

    public void Remove(List<BsonValue[]> keys, StoredDocument document)
    {
        if (Postings is not null)
        {
            Postings.Remove(keys, document);
            return;
        }

        foreach (var key in keys)
        {
            Tree.Remove(new IndexEntry(IndexKeyCodec.Encode(key), document));
        }
    }

    private DuplicateKeyException Duplicate(BsonValue[] key)
    {
        var keyValue = new BsonDocument();
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i++)
        {
            keyValue.Add(Definition.Fields[i], key[i]);
            text.Append(i == 0 ? "{ " : ", ").Append(Definition.Fields[i]).Append(": ").Append(Format(key[i]));
        }

        text.Append(" }");
        var message = $"E11000 duplicate key error collection: {_namespace} index: {Definition.Name} dup key: {text}";
        return new DuplicateKeyException(message, Definition.Key, keyValue);
    }

    private static string Format(BsonValue value) => value.BsonType switch
    {
        BsonType.String => value.ToJson(),
        BsonType.ObjectId => $"ObjectId('{value.AsObjectId}')",
        BsonType.Int32 or BsonType.Int64 or BsonType.Double => value.ToString()!,
        BsonType.Null => "null",
        _ => value.ToJson(),
    };
}
