using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// A text index's entries by (prefix, word): a prefix value is found whatever its numeric type, as an index compares
/// keys (1 == 1.0 == NumberLong(1)); emptied words and prefixes are dropped.
/// </summary>
[TestFixture]
public sealed class TextPostingsTests
{
    [Test]
    public void A_prefix_equal_under_index_order_finds_the_same_documents()
    {
        var postings = new TextPostings(prefixCount: 1);
        var first = Doc(1);
        var second = Doc(2);
        postings.Add([[new BsonInt32(1), "deploy"], [new BsonInt32(1), "friday"]], first);
        postings.Add([[new BsonDouble(1.0), "deploy"]], second);
        postings.Add([[new BsonInt32(2), "deploy"]], Doc(3));

        Assert.That(Ids(postings, new BsonInt64(1), "deploy"), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(Ids(postings, new BsonDecimal128(1m), "friday"), Is.EqualTo(new long[] { 1 }));
        Assert.That(Ids(postings, new BsonInt32(3), "deploy"), Is.Empty);
        Assert.That(postings.Count, Is.EqualTo(4));
    }

    [Test]
    public void Removing_every_document_of_a_word_or_a_prefix_leaves_nothing_behind()
    {
        var postings = new TextPostings(prefixCount: 1);
        var document = Doc(1);
        List<BsonValue[]> keys = [["lobby", "deploy"], ["lobby", "friday"]];
        postings.Add(keys, document);
        postings.Add([["lobby", "deploy"]], Doc(2));

        postings.Remove(keys, document);

        Assert.That(Ids(postings, "lobby", "friday"), Is.Empty);
        Assert.That(Ids(postings, "lobby", "deploy"), Is.EqualTo(new long[] { 2 }));
        Assert.That(postings.Count, Is.EqualTo(1));
        postings.Remove([["lobby", "deploy"]], Doc(2));
        Assert.That(postings.Count, Is.Zero);
        Assert.That(postings.Add(keys, document), Is.EqualTo(2), "a dropped prefix is made again");
    }

    [Test]
    public void Only_another_document_holding_the_key_counts_as_a_duplicate()
    {
        var postings = new TextPostings(prefixCount: 0);
        var document = Doc(1);
        postings.Add([["deploy"]], document);

        Assert.That(postings.HeldByAnother(["deploy"], document), Is.False);
        Assert.That(postings.HeldByAnother(["deploy"], Doc(2)), Is.True);
        Assert.That(postings.HeldByAnother(["friday"], Doc(2)), Is.False);
    }

    [Test]
    public void Keys_equal_under_index_order_have_equal_hashes()
    {
        (BsonValue X, BsonValue Y)[] pairs =
        [
            (new BsonInt32(7), new BsonDouble(7.0)),
            (new BsonInt64(7), new BsonDecimal128(7m)),
            (new BsonDouble(0.0), new BsonDouble(-0.0)),
            (new BsonString("lobby"), (BsonSymbol)"lobby"),
            (BsonNull.Value, BsonUndefined.Value),
            (new BsonDocument("a", 1), new BsonDocument("a", 1.0)),
        ];
        foreach (var (x, y) in pairs)
        {
            Assert.That(BsonOrder.AreEqual(x, y), Is.True, $"{x} and {y}");
            Assert.That(BsonKeyEquality.Instance.Equals([x], [y]), Is.True, $"{x} and {y}");
            Assert.That(BsonKeyEquality.Instance.GetHashCode([x]), Is.EqualTo(BsonKeyEquality.Instance.GetHashCode([y])), $"{x} and {y}");
        }
    }

    private static StoredDocument Doc(long recordId) => new(recordId, [], new BsonInt64(recordId));

    private static List<long> Ids(TextPostings postings, BsonValue prefix, string word) =>
        [.. postings.Documents([prefix, word]).Select(d => d.RecordId)];
}
