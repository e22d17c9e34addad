using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Text;

/// <summary>A document's distinct index terms, each once, as the index's pooled values (<see cref="TextDocument.CollectIndexTerms"/>).</summary>
internal sealed class IndexTermCollector
{
    private readonly StringValuePool _pool;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _seenSpans;

    public IndexTermCollector(StringValuePool pool)
    {
        _pool = pool;
        _seenSpans = _seen.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The distinct terms, in the order first seen.</summary>
    public List<BsonString> Terms { get; } = [];

    /// <summary>Empties the collector for the next document (it is reused: one per index, under the collection lock).</summary>
    public void Clear()
    {
        _seen.Clear();
        Terms.Clear();
    }

    /// <summary>Takes the words of <paramref name="text"/>, folded as the index folds them.</summary>
    public void AddWordsOf(ReadOnlySpan<char> text) =>
        TextTokenizer.ForEachFoldedWord(text, this, static (word, collector) => collector.Add(word));

    /// <summary>Takes one word (repeats are dropped).</summary>
    public void Add(ReadOnlySpan<char> word)
    {
        if (_seenSpans.Contains(word))
        {
            return;
        }

        var value = _pool.Get(word);
        _seen.Add(value.Value);
        Terms.Add(value);
    }
}
