using ChatSocket.Persistence;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace ChatSocket.Tests.Persistence;

/// <summary>
/// The stored form of a message, written by hand instead of by the driver's class map: the same documents as before
/// (the schema in README and PERSISTENCE.md), read back whatever the element order, with extra elements skipped and a
/// damaged document refused with a <see cref="FormatException"/>.
/// </summary>
[TestFixture]
public sealed class StoredMessageSerializerTests
{
    private static readonly ObjectId Id = ObjectId.Parse("65f1a2b3c4d5e6f708192a3b");
    private static readonly DateTime Timestamp = new(2026, 12, 7, 17, 4, 5, 123, DateTimeKind.Utc);

    private static StoredMessage Message(string? clientMsgId) => new()
    {
        Id = Id,
        RoomId = "lobby",
        Timestamp = Timestamp,
        Sender = "ann",
        Content = "héllo 👋",
        ClientMsgId = clientMsgId,
    };

    [Test]
    public void A_message_is_the_flat_document_with_its_fields_in_schema_order()
    {
        var expected = new BsonDocument
        {
            { "_id", Id },
            { "room_id", "lobby" },
            { "timestamp", new BsonDateTime(Timestamp) },
            { "sender", "ann" },
            { "content", "héllo 👋" },
            { "client_msg_id", "k1" },
        };

        Assert.That(Message("k1").ToBson(), Is.EqualTo(expected.ToBson()));
    }

    [Test]
    public void A_message_without_a_client_msg_id_has_no_such_element()
    {
        var document = Message(null).ToBsonDocument();

        Assert.That(document.Names, Is.EqualTo(new[] { "_id", "room_id", "timestamp", "sender", "content" }));
    }

    [Test]
    public void A_local_timestamp_is_stored_as_the_same_instant()
    {
        var message = new StoredMessage
        {
            Id = Id, RoomId = "r", Timestamp = Timestamp.ToLocalTime(), Sender = "s", Content = "c",
        };

        Assert.That(message.ToBsonDocument()["timestamp"].ToUniversalTime(), Is.EqualTo(Timestamp));
    }

    [Test]
    public void A_document_reads_back_in_any_element_order_with_unknown_elements_skipped()
    {
        var document = new BsonDocument
        {
            { "content", "hi" },
            { "extra", new BsonDocument("nested", new BsonArray { 1, 2 }) },
            { "sender", "bob" },
            { "client_msg_id", BsonNull.Value },
            { "timestamp", new BsonDateTime(Timestamp) },
            { "room_id", "r" },
            { "_id", Id },
            { "score", 1.5 },
        };

        var message = BsonSerializer.Deserialize<StoredMessage>(document);

        Assert.Multiple(() =>
        {
            Assert.That(message.Id, Is.EqualTo(Id));
            Assert.That(message.RoomId, Is.EqualTo("r"));
            Assert.That(message.Sender, Is.EqualTo("bob"));
            Assert.That(message.Content, Is.EqualTo("hi"));
            Assert.That(message.Timestamp, Is.EqualTo(Timestamp));
            Assert.That(message.Timestamp.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(message.ClientMsgId, Is.Null);
        });
    }

    [Test]
    public void A_message_round_trips_through_its_bytes()
    {
        var back = BsonSerializer.Deserialize<StoredMessage>(Message("k1").ToBson());

        Assert.That(back.ToChatMessage(), Is.EqualTo(Message("k1").ToChatMessage()));
    }

    [TestCase("room_id")]
    [TestCase("_id")]
    [TestCase("timestamp")]
    [TestCase("sender")]
    [TestCase("content")]
    public void A_document_missing_a_required_element_is_refused_naming_it(string element)
    {
        var document = Message("k1").ToBsonDocument();
        document.Remove(element);

        Assert.That(() => BsonSerializer.Deserialize<StoredMessage>(document),
            Throws.TypeOf<FormatException>().With.Message.Contains($"'{element}'"));
    }

    [TestCase("room_id")]
    [TestCase("_id")]
    [TestCase("timestamp")]
    [TestCase("client_msg_id")]
    public void A_document_with_a_mistyped_element_is_refused_naming_it(string element)
    {
        var document = Message("k1").ToBsonDocument();
        document[element] = 42;

        Assert.That(() => BsonSerializer.Deserialize<StoredMessage>(document),
            Throws.TypeOf<FormatException>().With.Message.Contains($"'{element}'").And.Message.Contains("Int32"));
    }

    [Test]
    public void Filters_sorts_and_index_keys_written_as_lambdas_name_the_stored_elements()
    {
        var serializer = BsonSerializer.LookupSerializer<StoredMessage>();
        var args = new RenderArgs<StoredMessage>(serializer, BsonSerializer.SerializerRegistry);
        var filter = Builders<StoredMessage>.Filter;

        var rendered = (filter.Eq(m => m.RoomId, "r") & filter.Lt(m => m.Id, Id) & filter.Exists(m => m.ClientMsgId)
                & filter.Gte(m => m.Timestamp, Timestamp) & filter.Eq(m => m.Sender, "s"))
            .Render(args);
        var keys = Builders<StoredMessage>.IndexKeys.Ascending(m => m.RoomId).Text(m => m.Content).Render(args);

        Assert.Multiple(() =>
        {
            Assert.That(rendered, Is.EqualTo(new BsonDocument
            {
                { "room_id", "r" },
                { "_id", new BsonDocument("$lt", Id) },
                { "client_msg_id", new BsonDocument("$exists", true) },
                { "timestamp", new BsonDocument("$gte", new BsonDateTime(Timestamp)) },
                { "sender", "s" },
            }));
            Assert.That(keys, Is.EqualTo(new BsonDocument { { "room_id", 1 }, { "content", "text" } }));
        });
    }
}
