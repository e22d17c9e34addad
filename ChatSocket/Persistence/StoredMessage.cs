using System.Diagnostics.CodeAnalysis;
using ChatSocket.Messages;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatSocket.Persistence;

/// <summary>
/// One chat message as stored in the <c>messages</c> collection (the seed's flat schema). The <see cref="Id"/> is the
/// message id clients see; ObjectIds grow with time, so sorting by <c>_id</c> is the room's order. Its BSON form is
/// <see cref="StoredMessageSerializer"/>'s.
/// </summary>
[BsonSerializer(typeof(StoredMessageSerializer))]
internal sealed class StoredMessage
{
    public required ObjectId Id { get; init; }

    public required string RoomId { get; init; }

    public required DateTime Timestamp { get; init; }

    public required string Sender { get; init; }

    public required string Content { get; init; }

    public string? ClientMsgId { get; init; }

    // The driver creates the serializer named above by reflection: a trimmed build (Native AOT) must keep its constructor.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(StoredMessageSerializer))]
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
