using ChatSocket.Messages;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatSocket.Persistence;

/// <summary>
/// One chat message as stored in the <c>messages</c> collection (the seed's flat schema). The <see cref="Id"/> is the
/// message id clients see; ObjectIds grow with time, so sorting by <c>_id</c> is the room's order.
/// </summary>
internal sealed class StoredMessage
{
    [BsonId]
    public required ObjectId Id { get; init; }

    [BsonElement("room_id")]
    public required string RoomId { get; init; }

    [BsonElement("timestamp")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public required DateTime Timestamp { get; init; }

    [BsonElement("sender")]
    public required string Sender { get; init; }

    [BsonElement("content")]
    public required string Content { get; init; }

    [BsonElement("client_msg_id")]
    [BsonIgnoreIfNull]
    public string? ClientMsgId { get; init; }

    public static StoredMessage From(ChatMessage message) => new()
    {
        Id = message.Id,
        RoomId = message.RoomId,
        Timestamp = message.Timestamp,
        Sender = message.Sender,
        Content = message.Content,
        ClientMsgId = message.ClientMsgId,
    };

    public ChatMessage ToChatMessage() => new(Id, RoomId, Sender, Content, Timestamp, ClientMsgId);
}
