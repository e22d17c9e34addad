using System.Buffers.Binary;

namespace ChatSocket.LoadTest.Client;

/// <summary>The header of one server frame (RFC 6455 section 5.2).</summary>
/// <param name="Final">FIN bit: the last frame of a message.</param>
/// <param name="Opcode">The frame's opcode.</param>
/// <param name="Masked">Whether the frame is masked (a server must not mask).</param>
/// <param name="HeaderLength">Bytes of the header, mask key included.</param>
/// <param name="PayloadLength">Bytes of payload after the header.</param>
internal readonly record struct FrameHeader(bool Final, WebSocketOpcode Opcode, bool Masked, int HeaderLength, long PayloadLength)
{
    /// <summary>Reads a header from the start of <paramref name="data"/>; false when more bytes are needed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out FrameHeader header)
    {
        header = default;
        if (data.Length < 2)
        {
            return false;
        }

        var masked = (data[1] & 0x80) != 0;
        long length = data[1] & 0x7F;
        var headerLength = 2;
        if (length == 126)
        {
            if (data.Length < 4)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            headerLength = 4;
        }
        else if (length == 127)
        {
            if (data.Length < 10)
            {
                return false;
            }

            var wide = BinaryPrimitives.ReadUInt64BigEndian(data[2..]);
            length = wide > long.MaxValue ? long.MaxValue : (long)wide;
            headerLength = 10;
        }

        if (masked)
        {
            headerLength += 4;
        }

        header = new FrameHeader((data[0] & 0x80) != 0, (WebSocketOpcode)(data[0] & 0x0F), masked, headerLength, length);
        return true;
    }
}
