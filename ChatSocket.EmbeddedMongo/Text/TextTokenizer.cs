using System.Buffers;
using System.Globalization;

namespace ChatSocket.EmbeddedMongo.Text;

/// <summary>
/// The "none" language of a version 3 text index: words are runs of letters and digits (everything else delimits),
/// no stemming, no stop words. Folding removes diacritics (combining marks, and precomposed Latin letters mapped to
/// their base letter) and case (invariant lower case), each unless the search asks to be sensitive to it.
/// </summary>
internal static class TextTokenizer
{
    private const char FirstFolded = '\u00C0';

    // The base letter of each precomposed Latin letter U+00C0..U+024F (the letter itself when it has none), made
    // from Unicode's canonical decompositions: the build runs with invariant globalization, where
    // string.Normalize cannot decompose, so the common precomposed letters are folded from this table.
    private static readonly string LatinBases =
        "AAAAAA\u00C6CEEEEIIII\u00D0NOOOOO\u00D7\u00D8UUUUY\u00DE\u00DFaaaaaa\u00E6ceeeeiiii\u00F0nooooo" +
        "\u00F7\u00F8uuuuy\u00FEyAaAaAaCcCcCcCcDd\u0110\u0111EeEeEeEeEeGgGgGgGgHh\u0126\u0127IiIiIiIiI" +
        "\u0131\u0132\u0133JjKk\u0138LlLlLl\u013F\u0140\u0141\u0142NnNnNn\u0149\u014A\u014BOoOoOo\u0152" +
        "\u0153RrRrRrSsSsSsSsTtTt\u0166\u0167UuUuUuUuUuUuWwYyYZzZzZz\u017F\u0180\u0181\u0182\u0183\u0184" +
        "\u0185\u0186\u0187\u0188\u0189\u018A\u018B\u018C\u018D\u018E\u018F\u0190\u0191\u0192\u0193\u0194" +
        "\u0195\u0196\u0197\u0198\u0199\u019A\u019B\u019C\u019D\u019E\u019FOo\u01A2\u01A3\u01A4\u01A5" +
        "\u01A6\u01A7\u01A8\u01A9\u01AA\u01AB\u01AC\u01AD\u01AEUu\u01B1\u01B2\u01B3\u01B4\u01B5\u01B6" +
        "\u01B7\u01B8\u01B9\u01BA\u01BB\u01BC\u01BD\u01BE\u01BF\u01C0\u01C1\u01C2\u01C3\u01C4\u01C5\u01C6" +
        "\u01C7\u01C8\u01C9\u01CA\u01CB\u01CCAaIiOoUuUuUuUuUu\u01DDAaAa\u00C6\u00E6\u01E4\u01E5GgKkOoOo" +
        "\u01B7\u0292j\u01F1\u01F2\u01F3Gg\u01F6\u01F7NnAa\u00C6\u00E6\u00D8\u00F8AaAaEeEeIiIiOoOoRrRrUuU" +
        "uSsTt\u021C\u021DHh\u0220\u0221\u0222\u0223\u0224\u0225AaEeOoOoOoOoYy\u0234\u0235\u0236\u0237" +
        "\u0238\u0239\u023A\u023B\u023C\u023D\u023E\u023F\u0240\u0241\u0242\u0243\u0244\u0245\u0246\u0247" +
        "\u0248\u0249\u024A\u024B\u024C\u024D\u024E\u024F";

    /// <summary>Folds a whole string (words and the delimiters between them), for phrase matching.</summary>
    public static string Fold(string text, bool caseSensitive, bool diacriticSensitive)
    {
        var folded = text;
        if (!diacriticSensitive)
        {
            var buffer = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 1));
            folded = new string(buffer, 0, FoldDiacritics(text, buffer));
            ArrayPool<char>.Shared.Return(buffer);
        }

        return caseSensitive ? folded : folded.ToLowerInvariant();
    }

    /// <summary>The folded words of <paramref name="text"/>, in order, repeats included.</summary>
    public static List<string> Words(string text, bool caseSensitive = false, bool diacriticSensitive = false)
    {
        var words = new List<string>();
        ForEachWord(Fold(text, caseSensitive, diacriticSensitive), words, static (word, list) => list.Add(word.ToString()));
        return words;
    }

    /// <summary>
    /// Calls <paramref name="onWord"/> with each word of <paramref name="text"/>, in order, repeats included, folded
    /// as <see cref="Words"/> folds them by default (case and diacritics ignored), without a string per word: the
    /// index's path, where most words are already pooled.
    /// </summary>
    public static void ForEachFoldedWord<TState>(ReadOnlySpan<char> text, TState state, ReadOnlySpanAction<char, TState> onWord)
    {
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(text.Length * 2, 1));
        try
        {
            var length = FoldDiacritics(text, buffer);
            var lower = buffer.AsSpan(text.Length, length);
            // Invariant lower-casing maps each UTF-16 unit to one: the length stays.
            var written = buffer.AsSpan(0, length).ToLowerInvariant(lower);
            ForEachWord(lower[..written], state, onWord);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static void ForEachWord<TState>(ReadOnlySpan<char> folded, TState state, ReadOnlySpanAction<char, TState> onWord)
    {
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var inWord = i < folded.Length && IsWordChar(folded[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                onWord(folded[start..i], state);
                start = -1;
            }
        }
    }

    // Writes text without its combining marks and with precomposed Latin letters as their base letters; returns the
    // length written (at most text's).
    private static int FoldDiacritics(ReadOnlySpan<char> text, Span<char> destination)
    {
        var length = 0;
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                // A combining mark of a decomposed letter.
                continue;
            }

            var offset = c - FirstFolded;
            destination[length++] = offset >= 0 && offset < LatinBases.Length ? LatinBases[offset] : c;
        }

        return length;
    }

    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || char.IsSurrogate(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
}
