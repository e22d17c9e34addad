using System.Buffers;
using System.Text.Json;

namespace ChatSocket.Client.Protocol;

/// <summary>Encodes the frames this client sends (protocol v1, snake_case JSON).</summary>
internal static class ClientFrames
{
    /// <summary>Most messages one history frame holds on a default server (<c>Chat:MaxHistory</c>).</summary>
    public const int MaxHistory = 200;

    public static byte[] Join(string roomId, string? since, int? history) =>
        Write(writer =>
        {
            writer.WriteString("type", "join");
            writer.WriteString("room_id", roomId);
            if (since is not null)
            {
                writer.WriteString("since", since);
            }

            if (history is { } count)
            {
                writer.WriteNumber("history", count);
            }
        });

    public static byte[] Leave(string roomId) =>
        Write(writer =>
        {
            writer.WriteString("type", "leave");
            writer.WriteString("room_id", roomId);
        });

    public static byte[] Send(string roomId, string content, string clientMsgId) =>
        Write(writer =>
        {
            writer.WriteString("type", "send");
            writer.WriteString("room_id", roomId);
            writer.WriteString("content", content);
            writer.WriteString("client_msg_id", clientMsgId);
        });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
