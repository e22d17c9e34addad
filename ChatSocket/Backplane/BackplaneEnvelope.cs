using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Backplane;

/// <summary>
/// The compact encoding of a message on the backplane. The node writes the body; the script puts the header in front:
/// <c>id(24 hex) timestamp-ms(16 hex) | node(32 hex) sender-bytes(4 hex) sender client_msg_id-bytes(4 hex, "----" for
/// none) client_msg_id content</c>. Every node decodes the same fields, so every node encodes the same frame bytes.
/// </summary>
internal static class BackplaneEnvelope
{
    public const int HeaderLength = 40;
    private const int NodeLength = 32;
    private const string NoClientMsgId = "----";

    /// <summary>The body a node hands to the script.</summary>
    public static byte[] EncodeBody(string nodeId, string sender, string? clientMsgId, string content)
    {
        var senderBytes = Encoding.UTF8.GetByteCount(sender);
        var clientBytes = clientMsgId is null ? 0 : Encoding.UTF8.GetByteCount(clientMsgId);
        if (nodeId.Length != NodeLength || senderBytes > 0xFFFF || clientBytes > 0xFFFF)
        {
            throw new ArgumentException("a node id of 32 characters, a sender and a client_msg_id of at most 65535 bytes");
        }

        var text = new StringBuilder(NodeLength + 8 + sender.Length + (clientMsgId?.Length ?? 0) + content.Length)
            .Append(nodeId)
            .Append(senderBytes.ToString("x4", CultureInfo.InvariantCulture)).Append(sender)
            .Append(clientMsgId is null ? NoClientMsgId : clientBytes.ToString("x4", CultureInfo.InvariantCulture)).Append(clientMsgId)
            .Append(content);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The id and timestamp in a header (the script's reply, or the first 40 bytes of a payload).</summary>
    public static (ObjectId Id, DateTime Timestamp) DecodeHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderLength || !ObjectId.TryParse(Encoding.ASCII.GetString(header[..24]), out var id) ||
            !Utf8Parser.TryParse(header[24..HeaderLength], out ulong milliseconds, out var used, 'x') || used != 16)
        {
            throw new FormatException("not a backplane header");
        }

        return (id, DateTime.UnixEpoch.AddMilliseconds(milliseconds));
    }

    /// <summary>A published payload as the message it carries, and the node that accepted it.</summary>
    public static (ChatMessage Message, string NodeId) Decode(string roomId, ReadOnlySpan<byte> payload)
    {
        var (id, timestamp) = DecodeHeader(payload);
        var body = payload[HeaderLength..];
        if (body.Length < NodeLength + 8)
        {
            throw new FormatException("a backplane payload too short for its body");
        }

        var nodeId = Encoding.ASCII.GetString(body[..NodeLength]);
        var rest = body[NodeLength..];
        var sender = ReadField(ref rest)!;
        var clientMsgId = ReadField(ref rest);
        return (new ChatMessage(id, roomId, sender, Encoding.UTF8.GetString(rest), timestamp, clientMsgId), nodeId);
    }

    // A field with its 4-hex-digit byte length in front; null for "----".
    private static string? ReadField(ref ReadOnlySpan<byte> rest)
    {
        if (rest.Length >= 4 && rest[..4].SequenceEqual("----"u8))
        {
            rest = rest[4..];
            return null;
        }

        if (!Utf8Parser.TryParse(rest[..4], out ushort length, out var used, 'x') || used != 4 || rest.Length < 4 + length)
        {
            throw new FormatException("a backplane field with a bad length");
        }

        var value = Encoding.UTF8.GetString(rest.Slice(4, length));
        rest = rest[(4 + length)..];
        return value;
    }
}
