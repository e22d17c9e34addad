using System.Buffers;
using System.Text;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Text;

/// <summary>The strings of a document's text fields (each with its field's weight): its index terms, its match, its score.</summary>
internal sealed class TextDocument
{
    private readonly List<(string Text, double Weight)> _strings;

    private TextDocument(List<(string Text, double Weight)> strings)
    {
        _strings = strings;
    }

    /// <summary>
    /// Collects a stored document's index terms into <paramref name="collector"/> (cleared first): the distinct folded
    /// words of its text fields' strings (as <see cref="TextTokenizer.Words"/> folds them), each as the index's pooled
    /// value. Top-level string fields are folded straight from the document's UTF-8 bytes, with no parsed document or
    /// string per field: this runs for every stored message. A word already pooled costs no string.
    /// </summary>
    public static void CollectIndexTerms(byte[] document, IndexDefinition definition, IndexTermCollector collector)
    {
        collector.Clear();
        if (definition.TopLevelTextFields is { } fields && TryCollectTopLevel(document, fields, collector))
        {
            return;
        }

        collector.Clear();
        foreach (var (text, _) in Read(document, definition)._strings)
        {
            collector.AddWordsOf(text);
        }
    }

    // False when a field holds an array (whose strings the general reader collects); then nothing collected counts.
    private static bool TryCollectTopLevel(byte[] document, byte[][] fields, IndexTermCollector collector)
    {
        foreach (var field in fields)
        {
            if (!RawBson.TryFind(document, field, out var type, out var offset, out var size))
            {
                continue;
            }

            if (type == 0x04)
            {
                return false;
            }

            if (type != 0x02)
            {
                // As Read: only strings (and arrays of them) hold words.
                continue;
            }

            // The same decoding as RawBson's (invalid bytes become U+FFFD), so search and index see the same text.
            var utf8 = document.AsSpan(offset + 4, size - 5);
            var buffer = ArrayPool<char>.Shared.Rent(Math.Max(Encoding.UTF8.GetMaxCharCount(utf8.Length), 1));
            try
            {
                var length = Encoding.UTF8.GetChars(utf8, buffer);
                collector.AddWordsOf(buffer.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }

        return true;
    }

    public static TextDocument Read(byte[] document, IndexDefinition definition)
    {
        var weights = definition.TextWeights!;
        var parsed = RawBson.Extract(document, new FieldSet(weights.Keys.Select(FieldSet.TopLevel)));
        var strings = new List<(string, double)>();
        var values = new List<BsonValue>();
        foreach (var (path, weight) in weights)
        {
            values.Clear();
            PathValues.Collect(parsed, PathValues.Split(path), values);
            foreach (var value in values)
            {
                if (value is BsonString s)
                {
                    strings.Add((s.Value, weight));
                }
                else if (value is BsonArray array)
                {
                    strings.AddRange(array.OfType<BsonString>().Select(e => (e.Value, weight)));
                }
            }
        }

        return new TextDocument(strings);
    }

    /// <summary>
    /// MongoDB's rule: no negated term or phrase; every phrase present (as a substring of one string, folded like
    /// the search); and at least one positive term among the document's words.
    /// </summary>
    public bool Matches(TextSearchQuery query)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var folded = new List<string>(_strings.Count);
        foreach (var (text, _) in _strings)
        {
            words.UnionWith(TextTokenizer.Words(text, query.CaseSensitive, query.DiacriticSensitive));
            if (query.Phrases.Count > 0 || query.NegatedPhrases.Count > 0)
            {
                folded.Add(TextTokenizer.Fold(text, query.CaseSensitive, query.DiacriticSensitive));
            }
        }

        return !query.NegatedTerms.Overlaps(words)
            && query.MatchTerms.Overlaps(words)
            && query.Phrases.TrueForAll(p => folded.Exists(f => f.Contains(p, StringComparison.Ordinal)))
            && !query.NegatedPhrases.Exists(p => folded.Exists(f => f.Contains(p, StringComparison.Ordinal)));
    }

    /// <summary>
    /// MongoDB's text score: for each string and each query term in it, weight x frequency x length coefficient
    /// (x 1.1 when the whole string is that term), summed. The n-th occurrence of a term adds 1/2^(n-1) to its
    /// frequency, and the coefficient 0.5 + 0.5 x occurrences / words favours short strings.
    /// </summary>
    public double Score(TextSearchQuery query)
    {
        var score = 0.0;
        foreach (var (text, weight) in _strings)
        {
            var words = TextTokenizer.Words(text);
            if (words.Count == 0)
            {
                continue;
            }

            foreach (var term in query.Terms)
            {
                var count = 0;
                var frequency = 0.0;
                var step = 1.0;
                foreach (var word in words)
                {
                    if (word == term)
                    {
                        count++;
                        frequency += step;
                        step /= 2;
                    }
                }

                if (count == 0)
                {
                    continue;
                }

                var coefficient = (0.5 * count / words.Count) + 0.5;
                var exact = words.Count == 1 && text.Length == term.Length && string.Equals(TextTokenizer.Fold(text, false, false), term, StringComparison.Ordinal) ? 1.1 : 1.0;
                score += weight * frequency * coefficient * exact;
            }
        }

        return score;
    }
}
