using System.Diagnostics.CodeAnalysis;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace ChatSocket.Persistence;

/// <summary>
/// Writes and reads a <see cref="StoredMessage"/> field by field. The driver's class map builds the same thing by
/// reflection and compiled expressions at run time, which a Native AOT build of the server cannot do (issue 11: the
/// server's RSS). Elements it does not know are skipped, so a field an operator's tool adds does not make a stored
/// message unreadable; a missing or mistyped field is a <see cref="FormatException"/>.
/// </summary>
internal sealed class StoredMessageSerializer : SerializerBase<StoredMessage>, IBsonDocumentSerializer
{
    private const string IdElement = "_id";
    private const string RoomElement = "room_id";
    private const string TimestampElement = "timestamp";
    private const string SenderElement = "sender";
    private const string ContentElement = "content";
    private const string ClientMsgIdElement = "client_msg_id";

    private static readonly StringSerializer Strings = new();

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, StoredMessage value)
    {
        var writer = context.Writer;
        writer.WriteStartDocument();
        writer.WriteObjectId(IdElement, value.Id);
        writer.WriteString(RoomElement, value.RoomId);
        writer.WriteDateTime(TimestampElement, BsonUtils.ToMillisecondsSinceEpoch(value.Timestamp.ToUniversalTime()));
        writer.WriteString(SenderElement, value.Sender);
        writer.WriteString(ContentElement, value.Content);
        if (value.ClientMsgId is { } key)
        {
            writer.WriteString(ClientMsgIdElement, key);
        }

        writer.WriteEndDocument();
    }

    public override StoredMessage Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        var reader = context.Reader;
        ObjectId? id = null;
        string? roomId = null;
        DateTime? timestamp = null;
        string? sender = null;
        string? content = null;
        string? clientMsgId = null;
        reader.ReadStartDocument();
        while (reader.ReadBsonType() != BsonType.EndOfDocument)
        {
            switch (reader.ReadName())
            {
                case IdElement:
                    id = reader.GetCurrentBsonType() == BsonType.ObjectId ? reader.ReadObjectId() : throw Mistyped(reader, IdElement);
                    break;
                case RoomElement:
                    roomId = ReadString(reader, RoomElement);
                    break;
                case TimestampElement:
                    timestamp = reader.GetCurrentBsonType() == BsonType.DateTime
                        ? BsonUtils.ToDateTimeFromMillisecondsSinceEpoch(reader.ReadDateTime())
                        : throw Mistyped(reader, TimestampElement);
                    break;
                case SenderElement:
                    sender = ReadString(reader, SenderElement);
                    break;
                case ContentElement:
                    content = ReadString(reader, ContentElement);
                    break;
                case ClientMsgIdElement when reader.GetCurrentBsonType() == BsonType.Null:
                    reader.ReadNull();
                    break;
                case ClientMsgIdElement:
                    clientMsgId = ReadString(reader, ClientMsgIdElement);
                    break;
                default:
                    reader.SkipValue();
                    break;
            }
        }

        reader.ReadEndDocument();
        return new StoredMessage
        {
            Id = id ?? throw Missing(IdElement),
            RoomId = roomId ?? throw Missing(RoomElement),
            Timestamp = timestamp ?? throw Missing(TimestampElement),
            Sender = sender ?? throw Missing(SenderElement),
            Content = content ?? throw Missing(ContentElement),
            ClientMsgId = clientMsgId,
        };
    }

    /// <summary>Names the element and serializer behind each property, for the driver's filters, sorts and index keys
    /// written as lambdas (<c>m =&gt; m.RoomId</c>).</summary>
    public bool TryGetMemberSerializationInfo(string memberName, [NotNullWhen(true)] out BsonSerializationInfo? serializationInfo)
    {
        serializationInfo = memberName switch
        {
            nameof(StoredMessage.Id) => new BsonSerializationInfo(IdElement, ObjectIdSerializer.Instance, typeof(ObjectId)),
            nameof(StoredMessage.RoomId) => new BsonSerializationInfo(RoomElement, Strings, typeof(string)),
            nameof(StoredMessage.Timestamp) => new BsonSerializationInfo(TimestampElement, DateTimeSerializer.UtcInstance, typeof(DateTime)),
            nameof(StoredMessage.Sender) => new BsonSerializationInfo(SenderElement, Strings, typeof(string)),
            nameof(StoredMessage.Content) => new BsonSerializationInfo(ContentElement, Strings, typeof(string)),
            nameof(StoredMessage.ClientMsgId) => new BsonSerializationInfo(ClientMsgIdElement, Strings, typeof(string)),
            _ => null,
        };
        return serializationInfo is not null;
    }

    private static string ReadString(IBsonReader reader, string element) =>
        reader.GetCurrentBsonType() == BsonType.String ? reader.ReadString() : throw Mistyped(reader, element);

    private static FormatException Mistyped(IBsonReader reader, string element) =>
        new($"A stored message's '{element}' is a {reader.GetCurrentBsonType()}, not the type ChatSocket writes.");

    private static FormatException Missing(string element) => new($"A stored message has no '{element}'.");
}
