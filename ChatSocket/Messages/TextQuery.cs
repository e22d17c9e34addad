using System.Text;

namespace ChatSocket.Messages;

/// <summary>
/// What a person typed into a search box, turned into the string value of MongoDB's <c>$text.$search</c>. MongoDB ORs
/// loose terms; a chat search means "all these words", so every word is sent as a quoted phrase, each of which
/// MongoDB requires to appear. Quoted phrases stay phrases, <c>-word</c> and <c>-"phrase"</c> exclude. The result is only ever a
/// string value, never part of a filter's structure, so no input can become a query operator.
/// </summary>
internal sealed class TextQuery
{
    private TextQuery(string search, IReadOnlyList<string> required)
    {
        Search = search;
        Required = required;
    }

    /// <summary>The <c>$search</c> string: <c>"deploy" "friday" "release notes" -staging</c>.</summary>
    public string Search { get; }

    /// <summary>The words and phrases every result contains (for highlighting and logs).</summary>
    public IReadOnlyList<string> Required { get; }

    /// <summary>
    /// Reads <paramref name="text"/>: at most <paramref name="maxLength"/> characters after trimming and
    /// <paramref name="maxTerms"/> words, phrases and exclusions, at least one word or phrase to look for. Words and
    /// phrases without a letter or digit are dropped (a text index has no entry for them). On failure
    /// <paramref name="error"/> says what is wrong in one sentence for the client.
    /// </summary>
    public static bool TryParse(string? text, int maxLength, int maxTerms, out TextQuery? query, out string? error)
    {
        query = null;
        var q = text?.Trim() ?? "";
        if (q.Length == 0)
        {
            error = "q must not be empty";
            return false;
        }

        if (q.Length > maxLength)
        {
            error = $"q must have at most {maxLength} characters";
            return false;
        }

        var required = new List<string>();
        var excluded = new List<string>();
        var terms = 0;
        var at = 0;
        while (at < q.Length)
        {
            if (char.IsWhiteSpace(q[at]))
            {
                at++;
                continue;
            }

            // A minus starts an exclusion only at the start of a term (as in MongoDB: "pre-market" is one word).
            var negated = q[at] == '-' && at + 1 < q.Length && !char.IsWhiteSpace(q[at + 1]);
            if (negated)
            {
                at++;
            }

            string term;
            if (q[at] == '"')
            {
                // A phrase runs to the closing quote; an unclosed one to the end.
                var close = q.IndexOf('"', at + 1);
                var end = close < 0 ? q.Length : close;
                term = q[(at + 1)..end];
                at = close < 0 ? q.Length : close + 1;
            }
            else
            {
                var start = at;
                while (at < q.Length && !char.IsWhiteSpace(q[at]) && q[at] != '"')
                {
                    at++;
                }

                term = q[start..at].TrimStart('-');
            }

            term = string.Join(' ', term.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (!term.Any(char.IsLetterOrDigit))
            {
                continue;
            }

            if (++terms > maxTerms)
            {
                error = $"q must have at most {maxTerms} words, phrases and exclusions";
                return false;
            }

            (negated ? excluded : required).Add(term);
        }

        if (required.Count == 0)
        {
            error = "q must contain a word to look for (not only exclusions or punctuation)";
            return false;
        }

        var search = new StringBuilder();
        foreach (var term in required)
        {
            search.Append('"').Append(term).Append("\" ");
        }

        foreach (var term in excluded)
        {
            // A phrase or a word with inner punctuation is excluded as a phrase; a plain word as a word.
            search.Append(term.All(char.IsLetterOrDigit) ? $"-{term} " : $"-\"{term}\" ");
        }

        query = new TextQuery(search.ToString().TrimEnd(), required);
        error = null;
        return true;
    }
}
