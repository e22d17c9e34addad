using System.Text;
using ChatSocket.LoadTest.Options;

namespace ChatSocket.LoadTest.Protocol;

/// <summary>
/// Reads the few things the generator needs from server frames without a JSON parse: the frame's type and the
/// marker or client_msg_id. ChatSocket's serializer writes compact JSON with <c>type</c> first; a frame laid out
/// otherwise is still found by searching for the first <c>"type":"</c>.
/// </summary>
internal static class ServerFrames
{
    private static ReadOnlySpan<byte> TypeField => "\"type\":\""u8;

    private static ReadOnlySpan<byte> ClientMessageIdField => "\"client_msg_id\":\""u8;

    /// <summary>Classifies a received frame.</summary>
    public static ServerFrameKind Classify(ReadOnlySpan<byte> frame, WireProtocol protocol)
    {
        if (protocol == WireProtocol.Raw)
        {
            return frame.IndexOf(PayloadMarker.Prefix) >= 0 ? ServerFrameKind.Delivery : ServerFrameKind.Other;
        }

        var type = TypeOf(frame);
        return type switch
        {
            _ when type.SequenceEqual("message"u8) => ServerFrameKind.Delivery,
            _ when type.SequenceEqual("ack"u8) => ServerFrameKind.Ack,
            _ when type.SequenceEqual("joined"u8) => ServerFrameKind.Joined,
            _ when type.SequenceEqual("history"u8) => ServerFrameKind.History,
            _ when type.SequenceEqual("error"u8) => ServerFrameKind.Error,
            _ => ServerFrameKind.Other,
        };
    }

    /// <summary>The value of the first <c>"type"</c> field, or empty.</summary>
    public static ReadOnlySpan<byte> TypeOf(ReadOnlySpan<byte> frame) => StringField(frame, TypeField);

    /// <summary>Reads the generator's marker out of an ack's client_msg_id.</summary>
    public static bool TryReadAck(ReadOnlySpan<byte> frame, out int sender, out uint sequence, out long sendTicks)
    {
        var id = StringField(frame, ClientMessageIdField);
        return PayloadMarker.TryReadCore(id, out sender, out sequence, out sendTicks);
    }

    /// <summary>Number of messages in a history frame (each message object has one <c>"content"</c> field).</summary>
    public static int CountHistoryMessages(ReadOnlySpan<byte> frame) => Count(frame, "\"content\":"u8);

    /// <summary>The error code of an error frame, for the report's samples.</summary>
    public static string ErrorCode(ReadOnlySpan<byte> frame)
    {
        var code = StringField(frame, "\"code\":\""u8);
        return code.IsEmpty ? "unknown" : Encoding.UTF8.GetString(code);
    }

    private static ReadOnlySpan<byte> StringField(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> field)
    {
        var at = frame.IndexOf(field);
        if (at < 0)
        {
            return default;
        }

        var value = frame[(at + field.Length)..];
        var end = value.IndexOf((byte)'"');
        return end < 0 ? default : value[..end];
    }

    private static int Count(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> needle)
    {
        var count = 0;
        int at;
        while ((at = frame.IndexOf(needle)) >= 0)
        {
            count++;
            frame = frame[(at + needle.Length)..];
        }

        return count;
    }
}
