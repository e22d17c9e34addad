using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>A reply that is an ordinary document (ok: 1 is added when missing).</summary>
internal sealed class DocumentReply(BsonDocument document) : CommandReply
{
    public BsonDocument Document { get; } = document;

    public override void WriteTo(IBsonWriter writer)
    {
        if (!Document.Contains("ok"))
        {
            Document.Add("ok", 1.0);
        }

        BsonDocumentSerializer.Instance.Serialize(BsonSerializationContext.CreateRoot(writer), Document);
    }

    public static DocumentReply Error(int code, string message, BsonArray? labels = null)
    {
        var doc = new BsonDocument { { "ok", 0.0 }, { "errmsg", message }, { "code", code }, { "codeName", ErrorCodes.NameOf(code) } };
        if (labels is { Count: > 0 })
        {
            doc.Add("errorLabels", labels);
        }

        return new DocumentReply(doc);
    }
}
