using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ChatSocket.LoadTest.Client;

/// <summary>Writes client frames: always final, always masked (RFC 6455 section 5.3 requires clients to mask).</summary>
internal static class FrameEncoder
{
    /// <summary>Bytes a masked frame with <paramref name="payloadLength"/> bytes of payload takes.</summary>
    public static int FrameLength(int payloadLength) => HeaderLength(payloadLength) + payloadLength;

    /// <summary>Writes a final masked frame into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, WebSocketOpcode opcode, ReadOnlySpan<byte> payload, uint maskKey)
    {
        var header = HeaderLength(payload.Length);
        destination[0] = (byte)(0x80 | (byte)opcode);
        if (payload.Length < 126)
        {
            destination[1] = (byte)(0x80 | payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payload.Length);
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payload.Length);
        }

        var mask = destination.Slice(header - 4, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(mask, maskKey);
        var body = destination.Slice(header, payload.Length);
        payload.CopyTo(body);
        ApplyMask(body, maskKey);
        return header + payload.Length;
    }

    /// <summary>XORs <paramref name="data"/> with the 4-byte key, repeating; the key's bytes in little-endian order
    /// are the bytes written on the wire.</summary>
    public static void ApplyMask(Span<byte> data, uint maskKey)
    {
        var whole = data.Length & ~7;
        var key64 = ((ulong)maskKey << 32) | maskKey;
        foreach (ref var word in MemoryMarshal.Cast<byte, ulong>(data[..whole]))
        {
            // The key repeats every 4 bytes, so a doubled key masks 8 bytes at a time (little-endian machines).
            word ^= key64;
        }

        for (var i = whole; i < data.Length; i++)
        {
            data[i] ^= (byte)(maskKey >> (8 * (i & 3)));
        }
    }

    private static int HeaderLength(int payloadLength) => payloadLength switch
    {
        < 126 => 2 + 4,
        <= ushort.MaxValue => 4 + 4,
        _ => 10 + 4,
    };
}
