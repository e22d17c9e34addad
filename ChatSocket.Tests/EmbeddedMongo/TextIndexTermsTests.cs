using ChatSocket.EmbeddedMongo.Storage;
using ChatSocket.EmbeddedMongo.Text;
using MongoDB.Bson;

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
        var text = TextDocument.Read(Document(content, title), TextIndex);

        var terms = text.IndexTerms(new StringValuePool()).Select(t => t.Value).ToList();

        Assert.That(terms, Is.Unique);
        Assert.That(terms, Is.EquivalentTo(TextTokenizer.Words(content).Concat(TextTokenizer.Words(title)).Distinct()));
    }

    [Test]
    public void A_word_longer_than_the_pool_takes_is_still_one_term()
    {
        var word = new string('x', 300);
        var text = TextDocument.Read(Document($"{word} {word} short", title: ""), TextIndex);

        var terms = text.IndexTerms(new StringValuePool()).Select(t => t.Value).ToList();

        Assert.That(terms, Is.EquivalentTo(new[] { word, "short" }));
    }

    [Test]
    public void Terms_of_two_documents_share_the_pools_values()
    {
        var pool = new StringValuePool();

        var first = TextDocument.Read(Document("Deploy today", title: ""), TextIndex).IndexTerms(pool);
        var second = TextDocument.Read(Document("no DEPLOY", title: ""), TextIndex).IndexTerms(pool);

        Assert.That(second.Single(t => t.Value == "deploy"), Is.SameAs(first.Single(t => t.Value == "deploy")));
    }

    private static byte[] Document(string content, string title) =>
        new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "room_id", "lobby" }, { "content", content }, { "title", title } }.ToBson();
}
