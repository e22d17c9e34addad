using ChatSocket.EmbeddedMongo.Bson;
using MongoDB.Bson;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// The names the driver sends in every command are read as one shared string each (no string allocated per name),
/// and names that only resemble them are still read exactly.
/// </summary>
[TestFixture]
public sealed class KnownFieldNamesTests
{
    [Test]
    public void The_names_of_an_insert_command_are_the_same_strings_on_every_read()
    {
        var bytes = new BsonDocument
        {
            { "insert", "messages" },
            { "ordered", false },
            { "writeConcern", new BsonDocument { { "w", "majority" }, { "j", true } } },
            { "$db", "chat" },
            { "lsid", new BsonDocument("id", new BsonBinaryData(Guid.NewGuid(), GuidRepresentation.Standard)) },
            { "txnNumber", 1L },
            { "$clusterTime", new BsonDocument { { "clusterTime", new BsonTimestamp(1, 1) }, { "signature", new BsonDocument { { "hash", new BsonBinaryData(new byte[20]) }, { "keyId", 0L } } } } },
        }.ToBson();

        var first = Names(RawBson.ReadDocument(bytes));
        var second = Names(RawBson.ReadDocument(bytes));

        Assert.That(first, Has.Count.EqualTo(14));
        Assert.That(first.Zip(second).Where(pair => !ReferenceEquals(pair.First, pair.Second)).Select(pair => pair.First), Is.Empty);
    }

    [Test]
    public void Names_that_resemble_known_ones_read_as_they_are()
    {
        string[] names = ["inserts", "Insert", "insert ", "_i", "_idx", "$db2", "ïd", "room_id\u00e9", "", "w2"];
        var document = new BsonDocument(names.Select((name, i) => new BsonElement(name, i)));

        var read = RawBson.ReadDocument(document.ToBson());

        Assert.That(read.Names, Is.EqualTo(names));
    }

    private static List<string> Names(BsonDocument document)
    {
        var names = new List<string>();
        foreach (var element in document)
        {
            names.Add(element.Name);
            if (element.Value is BsonDocument nested)
            {
                names.AddRange(Names(nested));
            }
        }

        return names;
    }
}
