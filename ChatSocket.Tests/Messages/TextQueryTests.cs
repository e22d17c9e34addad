using ChatSocket.Messages;

namespace ChatSocket.Tests.Messages;

public sealed class TextQueryTests
{
    private static string Search(string q)
    {
        Assert.That(TextQuery.TryParse(q, 200, 10, out var query, out var error), Is.True, error);
        return query!.Search;
    }

    [TestCase("deploy friday", "\"deploy\" \"friday\"")]
    [TestCase("  deploy \"release notes\"  ", "\"deploy\" \"release notes\"")]
    [TestCase("deploy -staging -\"dry run\"", "\"deploy\" -staging -\"dry run\"")]
    [TestCase("pre-market", "\"pre-market\"")]
    [TestCase("-pre-market deploy", "\"deploy\" -\"pre-market\"")]
    [TestCase("\"unclosed phrase", "\"unclosed phrase\"")]
    [TestCase("a\"b\"c", "\"a\" \"b\" \"c\"")]
    [TestCase("deploy ?! \"...\"", "\"deploy\"")]
    [TestCase("{\"$ne\": 1}", "\"$ne\" \"1}\"")]
    public void Every_word_becomes_a_required_phrase_and_no_quote_escapes(string q, string expected)
    {
        Assert.That(Search(q), Is.EqualTo(expected));
    }

    [TestCase(null, "empty")]
    [TestCase("   ", "empty")]
    [TestCase("-friday", "word to look for")]
    [TestCase("?! ...", "word to look for")]
    [TestCase("a b c d e f g h i j k", "at most 10")]
    public void Bad_queries_are_refused_with_a_reason(string? q, string reason)
    {
        Assert.That(TextQuery.TryParse(q, 200, 10, out var query, out var error), Is.False);
        Assert.That(query, Is.Null);
        Assert.That(error, Does.Contain(reason));
    }

    [Test]
    public void The_length_limit_counts_after_trimming()
    {
        Assert.That(TextQuery.TryParse("  " + new string('x', 200) + "  ", 200, 10, out _, out _), Is.True);
        Assert.That(TextQuery.TryParse(new string('x', 201), 200, 10, out _, out var error), Is.False);
        Assert.That(error, Does.Contain("200"));
    }
}
