using ChatSocket.EmbeddedMongo.Storage;
using ChatSocket.EmbeddedMongo.Text;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>A text index's terms come from a path of their own (folded in a buffer, words looked up in the index's
/// pool without a string each); they must be exactly the distinct words a search folds the same text into
/// (<see cref="TextTokenizer.Words"/>).</summary>
[TestFixture]
public sealed class TextIndexTermsTests
{
    private static readonly IndexDefinition TextIndex = IndexDefinition.Parse(new BsonDocument
    {
        { "v", 2 },
        { "key", new BsonDocument { { "room_id", 1 }, { "content", "text" }, { "title", "text" } } },
        { "name", "room_id_text" },
        { "default_language", "none" },
    });

    [TestCase("Deploy on Friday, deploy on FRIDAY!")]
    [TestCase("Café crème brûlée — naïve façade, Ærø and Straße")]
    [TestCase("e\u0301le\u0300ve decomposed marks")]
    [TestCase("ΑΘΗΝΑ Αθήνα, Москва МОСКВА")]
    [TestCase("emoji 🎉🎉 and 𐐀𐐨 deseret, tab\tnew\nline")]
    [TestCase("snake_case kebab-case dot.ted 3.14 1,000 #tag @user https://example.com/a?b=c")]
    [TestCase("")]
    [TestCase("   ... !!! ")]
    public void Index_terms_are_the_distinct_words_a_search_folds_the_text_into(string content)
    {
        var title = "Title " + content.ToUpperInvariant();
        var terms = Terms(Document(content, title), TextIndex, new StringValuePool());

        Assert.That(terms, Is.Unique);
        Assert.That(terms, Is.EquivalentTo(TextTokenizer.Words(content).Concat(TextTokenizer.Words(title)).Distinct()));
    }

    [Test]
    public void A_word_longer_than_the_pool_takes_is_still_one_term()
    {
        var word = new string('x', 300);
        var terms = Terms(Document($"{word} {word} short", title: ""), TextIndex, new StringValuePool());

        Assert.That(terms, Is.EquivalentTo(new[] { word, "short" }));
    }

    [Test]
    public void Terms_of_two_documents_share_the_pools_values()
    {
        var pool = new StringValuePool();

        var first = TermValues(Document("Deploy today", title: ""), TextIndex, pool);
        var second = TermValues(Document("no DEPLOY", title: ""), TextIndex, pool);

        Assert.That(second.Single(t => t.Value == "deploy"), Is.SameAs(first.Single(t => t.Value == "deploy")));
    }

    [Test]
    public void Strings_in_an_array_field_are_indexed_as_the_search_reads_them()
    {
        var document = new BsonDocument
        {
            { "_id", 1 }, { "room_id", "lobby" }, { "content", new BsonArray { "Alpha beta", 7, "GAMMA alpha" } }, { "title", "Delta" },
        }.ToBson();

        var terms = Terms(document, TextIndex, new StringValuePool());

        Assert.That(terms, Is.EquivalentTo(new[] { "alpha", "beta", "gamma", "delta" }));
        Assert.That(terms, Is.EquivalentTo(TextDocumentWords(document, TextIndex)));
    }

    [Test]
    public void Fields_that_are_missing_or_not_strings_hold_no_words()
    {
        var document = new BsonDocument { { "_id", 1 }, { "room_id", "lobby" }, { "content", 42 } }.ToBson();

        Assert.That(Terms(document, TextIndex, new StringValuePool()), Is.Empty);
    }

    [Test]
    public void Invalid_utf8_is_read_as_the_search_reads_it()
    {
        // "ok" then a lone continuation byte then "fine": both readers decode it to U+FFFD, which delimits words.
        var document = new BsonDocument { { "_id", 1 }, { "room_id", "lobby" }, { "content", "okXfine" }, { "title", "" } }.ToBson();
        var at = Array.IndexOf(document, (byte)'X');
        document[at] = 0x80;

        var terms = Terms(document, TextIndex, new StringValuePool());

        Assert.That(terms, Is.EquivalentTo(new[] { "ok", "fine" }));
        var search = TextDocument.Read(document, TextIndex);
        Assert.That(search.Matches(TextSearchQuery.Parse(new BsonDocument("$search", "fine"))), Is.True);
        Assert.That(search.Matches(TextSearchQuery.Parse(new BsonDocument("$search", "okfine"))), Is.False);
    }

    [Test]
    public void A_dotted_text_field_is_read_through_its_path()
    {
        var nested = IndexDefinition.Parse(new BsonDocument
        {
            { "v", 2 },
            { "key", new BsonDocument { { "meta.note", "text" } } },
            { "name", "meta.note_text" },
            { "default_language", "none" },
        });
        var document = new BsonDocument { { "_id", 1 }, { "meta", new BsonDocument("note", "Nested Words") } }.ToBson();

        Assert.That(Terms(document, nested, new StringValuePool()), Is.EquivalentTo(new[] { "nested", "words" }));
    }

    private static List<string> Terms(byte[] document, IndexDefinition index, StringValuePool pool) =>
        [.. TermValues(document, index, pool).Select(t => t.Value)];

    private static List<BsonString> TermValues(byte[] document, IndexDefinition index, StringValuePool pool)
    {
        var collector = new IndexTermCollector(pool);
        TextDocument.CollectIndexTerms(document, index, collector);
        return [.. collector.Terms];
    }

    // What a search folds the document's text fields into (its words, distinct).
    private static IEnumerable<string> TextDocumentWords(byte[] document, IndexDefinition index)
    {
        var parsed = BsonSerializer.Deserialize<BsonDocument>(document);
        var strings = index.TextWeights!.Keys
            .Select(f => parsed.GetValue(f, BsonNull.Value))
            .SelectMany(v => v.IsBsonArray ? v.AsBsonArray.Where(e => e.IsString) : v.IsString ? [v] : []);
        return strings.SelectMany(v => TextTokenizer.Words(v.AsString)).Distinct();
    }

    private static byte[] Document(string content, string title) =>
        new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "room_id", "lobby" }, { "content", content }, { "title", title } }.ToBson();
}
