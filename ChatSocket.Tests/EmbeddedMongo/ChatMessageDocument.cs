using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>A typed document for LINQ tests, shaped like the chat's messages.</summary>
public sealed class ChatMessageDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("room_id")]
    public string RoomId { get; set; } = "";

    [BsonElement("sender")]
    public string Sender { get; set; } = "";

    [BsonElement("content")]
    public string Content { get; set; } = "";

    [BsonElement("length")]
    public int Length { get; set; }
}
