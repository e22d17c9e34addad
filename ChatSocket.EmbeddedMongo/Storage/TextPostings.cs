using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ChatSocket.EmbeddedMongo.Bson;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>
/// A text index's entries: for each value of the index's prefix fields (a chat's room), each word's documents in
/// record-id order. A stored message's ~10 words cost one lookup of its prefix and a hash probe and an append each,
/// not a B+ tree descent each; and an entry is one array slot, not an entry with a key array of its own, so the GC
/// has far less to trace and the writer far less to do on the ack path. Key tuples are (prefix..., word), as the
/// index's keys are everywhere else. Not thread-safe: the owning collection serialises access.
/// </summary>
internal sealed class TextPostings(int prefixCount)
{
    private readonly Dictionary<BsonValue[], Dictionary<string, PostingList>> _byPrefix = new(BsonKeyEquality.Instance);

    /// <summary>How many (word, document) entries the index holds.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a document's keys (all with the same prefix: one document's); returns how many were new.</summary>
    public int Add(List<BsonValue[]> keys, StoredDocument document)
    {
        if (keys.Count == 0)
        {
            return 0;
        }

        var words = WordsOf(keys[0], create: true)!;
        var added = 0;
        foreach (var key in keys)
        {
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(words, WordOf(key), out _);
            if (list.Add(document))
            {
                added++;
            }
        }

        Count += added;
        return added;
    }

    /// <summary>Removes a document's keys (all with the same prefix), dropping the lists and prefixes left empty.</summary>
    public void Remove(List<BsonValue[]> keys, StoredDocument document)
    {
        if (keys.Count == 0 || WordsOf(keys[0], create: false) is not { } words)
        {
            return;
        }

        foreach (var key in keys)
        {
            var word = WordOf(key);
            ref var list = ref CollectionsMarshal.GetValueRefOrNullRef(words, word);
            if (Unsafe.IsNullRef(ref list) || !list.Remove(document))
            {
                continue;
            }

            Count--;
            if (list.Count == 0)
            {
                words.Remove(word);
            }
        }

        if (words.Count == 0)
        {
            _byPrefix.Remove(Prefix(keys[0]));
        }
    }

    /// <summary>Whether a document other than <paramref name="document"/> holds the key (for a unique index).</summary>
    public bool HeldByAnother(BsonValue[] key, StoredDocument document)
    {
        var list = Find(key);
        return list.Count > 1 || (list.Count == 1 && list[0].RecordId != document.RecordId);
    }

    /// <summary>The documents holding the key (prefix values, then the word), in record-id order.</summary>
    public IEnumerable<StoredDocument> Documents(BsonValue[] key)
    {
        var list = Find(key);
        for (var i = 0; i < list.Count; i++)
        {
            yield return list[i];
        }
    }

    private PostingList Find(BsonValue[] key) =>
        WordsOf(key, create: false) is { } words && words.TryGetValue(WordOf(key), out var list) ? list : default;

    private Dictionary<string, PostingList>? WordsOf(BsonValue[] key, bool create)
    {
        var prefix = Prefix(key);
        if (_byPrefix.TryGetValue(prefix, out var words) || !create)
        {
            return words;
        }

        words = new Dictionary<string, PostingList>(StringComparer.Ordinal);
        _byPrefix.Add(prefix, words);
        return words;
    }

    private BsonValue[] Prefix(BsonValue[] key) => prefixCount == 0 ? [] : key[..prefixCount];

    // A text index's terms are strings (TextDocument.CollectIndexTerms); the key's last field is the term.
    private string WordOf(BsonValue[] key) => key[prefixCount].AsString;
}
