using System.Globalization;
using System.Text.Json.Serialization;
using ChatSocket.Messages;

namespace ChatSocket.History;

/// <summary>A message in REST answers: the same fields as in the WebSocket <c>message</c> and <c>history</c> frames.</summary>
internal sealed record MessageView(
    string Id,
    string RoomId,
    string Sender,
    string Content,
    string Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientMsgId)
{
    public static MessageView From(ChatMessage message) => new(
        message.Id.ToString(),
        message.RoomId,
        message.Sender,
        message.Content,
        message.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        message.ClientMsgId);
}
