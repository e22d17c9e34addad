using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>Repeated index key values are shared, so that a big collection's indexes hold one string per distinct
/// value and not one per entry (the heap the GC traces); the pool stays bounded.</summary>
[TestFixture]
public sealed class IndexKeySharingTests
{
    [Test]
    public void A_text_index_shares_one_value_per_word_across_documents()
    {
        var index = new CollectionIndex(
            IndexDefinition.Parse(new BsonDocument
            {
                { "v", 2 },
                { "key", new BsonDocument { { "room_id", 1 }, { "content", "text" } } },
                { "name", "room_id_content_text" },
                { "default_language", "none" },
            }),
            "chat.messages");

        var first = index.KeysOf(Document("lobby", "deploy on friday"));
        var second = index.KeysOf(Document("lobby", "no deploy today"));

        var deployInFirst = first.Single(k => k[1] == "deploy")[1];
        var deployInSecond = second.Single(k => k[1] == "deploy")[1];
        Assert.That(deployInSecond, Is.SameAs(deployInFirst));
        Assert.That(second.Single(k => k[1] == "deploy")[0], Is.SameAs(first[0][0]), "the room id is shared too");
        Assert.That(first.Select(k => k[1].AsString), Is.EquivalentTo(new[] { "deploy", "on", "friday" }));
    }

    [Test]
    public void The_pool_shares_equal_text_and_stops_growing_at_its_capacity()
    {
        var pool = new StringValuePool();
        var shared = pool.Get("deploy");

        for (var i = 0; i < StringValuePool.Capacity; i++)
        {
            pool.Get("word-" + i);
        }

        var first = pool.Get("one-more");
        var again = pool.Get("one-more");

        Assert.That(pool.Get(new string("deploy".AsSpan())), Is.SameAs(shared));
        Assert.That(again, Is.Not.SameAs(first), "past its capacity a new value is not pooled");
        Assert.That(again.Value, Is.EqualTo("one-more"));
    }

    [Test]
    public void A_value_too_long_to_pool_is_still_the_right_value()
    {
        var pool = new StringValuePool();
        var text = new string('x', 1000);

        var first = pool.Get(text);
        var again = pool.Get(text);

        Assert.That(again, Is.Not.SameAs(first));
        Assert.That(again.Value, Is.EqualTo(text));
    }

    private static byte[] Document(string room, string content) =>
        new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "room_id", room }, { "content", content } }.ToBson();
}
