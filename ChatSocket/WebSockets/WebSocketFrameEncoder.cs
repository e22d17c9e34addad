using System.Buffers.Binary;
using System.Text;

namespace ChatSocket.WebSockets;

/// <summary>
/// Builds complete, unmasked server frames (header + payload) in one array, so that a broadcast is encoded once and
/// the same bytes go to every member.
/// </summary>
internal static class WebSocketFrameEncoder
{
    /// <summary>Largest control-frame payload (RFC 6455 section 5.5).</summary>
    public const int MaxControlPayload = 125;

    /// <summary>An empty ping, shared by every keep-alive.</summary>
    public static ReadOnlyMemory<byte> EmptyPing { get; } = Frame(WebSocketOpcode.Ping, []);

    /// <summary>Header length of a server frame carrying <paramref name="payloadLength"/> bytes.</summary>
    public static int HeaderLength(int payloadLength) => payloadLength switch
    {
        <= 125 => 2,
        <= ushort.MaxValue => 4,
        _ => 10,
    };

    /// <summary>Writes a final-fragment, unmasked header; returns its length.</summary>
    public static int WriteHeader(Span<byte> destination, WebSocketOpcode opcode, int payloadLength)
    {
        destination[0] = (byte)(0x80 | (byte)opcode);
        if (payloadLength <= 125)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>A whole frame in a new array.</summary>
    public static byte[] Frame(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderLength(payload.Length) + payload.Length];
        var header = WriteHeader(frame, opcode, payload.Length);
        payload.CopyTo(frame.AsSpan(header));
        return frame;
    }

    /// <summary>A close frame; the reason is cut so that the payload stays within 125 bytes.</summary>
    public static byte[] Close(ushort code, string reason)
    {
        Span<byte> payload = stackalloc byte[MaxControlPayload];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        var reasonBytes = Math.Min(Encoding.UTF8.GetByteCount(reason), MaxControlPayload - 2);
        var chars = reason.Length;
        // Trim whole characters until the UTF-8 form fits, so the reason stays valid UTF-8.
        while (Encoding.UTF8.GetByteCount(reason.AsSpan(0, chars)) > reasonBytes)
        {
            chars--;
        }

        var written = Encoding.UTF8.GetBytes(reason.AsSpan(0, chars), payload[2..]);
        return Frame(WebSocketOpcode.Close, payload[..(2 + written)]);
    }
}
