using ChatSocket.EmbeddedMongo.Commands;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Text;

/// <summary>
/// A parsed <c>$text</c> operand, with MongoDB's rules: loose terms are ORed; a quoted phrase must appear in the
/// document (every phrase, ANDed); <c>-word</c> or <c>-"a phrase"</c> right after a space (or at the start) excludes
/// documents that contain it, while a hyphen inside a word only delimits. Terms are kept folded for the index;
/// <see cref="CaseSensitive"/> and <see cref="DiacriticSensitive"/> only add a check on the document's own words.
/// </summary>
internal sealed class TextSearchQuery
{
    private TextSearchQuery(string search, bool caseSensitive, bool diacriticSensitive)
    {
        Search = search;
        CaseSensitive = caseSensitive;
        DiacriticSensitive = diacriticSensitive;
    }

    public string Search { get; }

    public bool CaseSensitive { get; }

    public bool DiacriticSensitive { get; }

    /// <summary>Folded (insensitive) positive terms, loose and from phrases: what the index is scanned for and what scores.</summary>
    public SortedSet<string> Terms { get; } = new(StringComparer.Ordinal);

    /// <summary>Positive terms in the search's sensitivity; a document needs one of them.</summary>
    public HashSet<string> MatchTerms { get; } = new(StringComparer.Ordinal);

    /// <summary>Negated terms in the search's sensitivity.</summary>
    public HashSet<string> NegatedTerms { get; } = new(StringComparer.Ordinal);

    /// <summary>Phrases (folded in the search's sensitivity) that must all appear.</summary>
    public List<string> Phrases { get; } = [];

    /// <summary>Phrases that must not appear.</summary>
    public List<string> NegatedPhrases { get; } = [];

    /// <summary>Parses <c>{$search, $language?, $caseSensitive?, $diacriticSensitive?}</c>.</summary>
    public static TextSearchQuery Parse(BsonValue operand)
    {
        if (operand is not BsonDocument spec)
        {
            throw new CommandException(ErrorCodes.BadValue, "$text expects an object");
        }

        string? search = null;
        var caseSensitive = false;
        var diacriticSensitive = false;
        foreach (var element in spec)
        {
            switch (element.Name)
            {
                case "$search" when element.Value.IsString:
                    search = element.Value.AsString;
                    break;
                case "$caseSensitive" when element.Value.IsBoolean:
                    caseSensitive = element.Value.AsBoolean;
                    break;
                case "$diacriticSensitive" when element.Value.IsBoolean:
                    diacriticSensitive = element.Value.AsBoolean;
                    break;
                case "$language" when element.Value.IsString && element.Value.AsString == "none":
                    break;
                case "$language":
                    throw new CommandException(ErrorCodes.BadValue, "$language other than \"none\" is not supported by the embedded engine");
                default:
                    throw new CommandException(ErrorCodes.BadValue, $"Unexpected field or type in $text: {element.Name}");
            }
        }

        var query = new TextSearchQuery(search ?? throw new CommandException(ErrorCodes.BadValue, "$search required in $text"), caseSensitive, diacriticSensitive);
        query.ParseSearch();
        return query;
    }

    private void ParseSearch()
    {
        var text = Search;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var atWordStart = i == 0 || char.IsWhiteSpace(text[i - 1]);
            var negated = c == '-' && atWordStart;
            var start = negated ? i + 1 : i;
            if (start < text.Length && text[start] == '"')
            {
                var end = text.IndexOf('"', start + 1);
                var phrase = end < 0 ? text[(start + 1)..] : text[(start + 1)..end];
                AddPhrase(phrase, negated);
                i = end < 0 ? text.Length : end + 1;
                continue;
            }

            if (!TextTokenizer.IsWordChar(text[start < text.Length ? start : i]))
            {
                i++;
                continue;
            }

            var wordEnd = start;
            while (wordEnd < text.Length && TextTokenizer.IsWordChar(text[wordEnd]))
            {
                wordEnd++;
            }

            AddTerm(text[start..wordEnd], negated);
            i = wordEnd;
        }
    }

    private void AddTerm(string word, bool negated)
    {
        foreach (var matchForm in TextTokenizer.Words(word, CaseSensitive, DiacriticSensitive))
        {
            (negated ? NegatedTerms : MatchTerms).Add(matchForm);
        }

        if (!negated)
        {
            Terms.UnionWith(TextTokenizer.Words(word));
        }
    }

    private void AddPhrase(string phrase, bool negated)
    {
        var folded = TextTokenizer.Fold(phrase, CaseSensitive, DiacriticSensitive);
        if (folded.Length == 0)
        {
            return;
        }

        (negated ? NegatedPhrases : Phrases).Add(folded);
        if (!negated)
        {
            MatchTerms.UnionWith(TextTokenizer.Words(phrase, CaseSensitive, DiacriticSensitive));
            Terms.UnionWith(TextTokenizer.Words(phrase));
        }
    }

    /// <summary>A summary in the shape of explain's <c>parsedTextQuery</c>.</summary>
    public BsonDocument ToExplain() => new()
    {
        { "terms", new BsonArray(Terms) },
        { "negatedTerms", new BsonArray(NegatedTerms) },
        { "phrases", new BsonArray(Phrases) },
        { "negatedPhrases", new BsonArray(NegatedPhrases) },
    };
}
