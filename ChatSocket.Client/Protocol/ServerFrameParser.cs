using System.Globalization;
using System.Text.Json;

namespace ChatSocket.Client.Protocol;

/// <summary>Parses the server's frames; a frame that is not what protocol v1 describes is a
/// <see cref="JsonException"/> or <see cref="FormatException"/> (the caller drops the connection: a server speaking
/// another protocol cannot be trusted with resumes).</summary>
internal static class ServerFrameParser
{
    public static ServerFrame Parse(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        var root = document.RootElement;
        var type = root.GetProperty("type").GetString() ?? throw new FormatException("type is null");
        return type switch
        {
            "message" => new ServerFrame(type) { RoomId = String(root, "room_id"), Message = ReadMessage(root) },
            "history" => new ServerFrame(type)
            {
                RoomId = String(root, "room_id"),
                Messages = [.. root.GetProperty("messages").EnumerateArray().Select(ReadMessage)],
                HasMore = root.TryGetProperty("has_more", out var more) && more.GetBoolean(),
            },
            "ack" => new ServerFrame(type) { RoomId = String(root, "room_id"), Id = String(root, "id"), ClientMsgId = String(root, "client_msg_id") },
            "error" => new ServerFrame(type) { Code = String(root, "code"), ErrorMessage = String(root, "message"), Ref = String(root, "ref") },
            _ => new ServerFrame(type) { RoomId = String(root, "room_id") },
        };
    }

    private static ChatMessage ReadMessage(JsonElement element) => new(
        Required(element, "id"),
        Required(element, "room_id"),
        Required(element, "sender"),
        Required(element, "content"),
        DateTimeOffset.Parse(Required(element, "timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        String(element, "client_msg_id"));

    private static string Required(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new FormatException(name + " is null");

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
