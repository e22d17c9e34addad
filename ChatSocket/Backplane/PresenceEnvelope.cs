using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ChatSocket.Rooms;

namespace ChatSocket.Backplane;

/// <summary>
/// A membership change on a room's channel, beside its messages: <c>P node(32) version(16 hex) count(8 hex) joined(1|0)
/// user</c>. A message's payload starts with its hex id, never with <c>P</c>.
/// </summary>
internal static class PresenceEnvelope
{
    private const byte Marker = (byte)'P';
    private const int NodeLength = 32;
    private const int FixedLength = 1 + NodeLength + 16 + 8 + 1;

    public static bool IsPresence(ReadOnlySpan<byte> payload) => payload.Length > 0 && payload[0] == Marker;

    public static byte[] Encode(string nodeId, long version, int nodeCount, bool joined, string user) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"P{nodeId}{version:x16}{nodeCount:x8}{(joined ? '1' : '0')}{user}"));

    public static PresenceDelivery Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < FixedLength || !IsPresence(payload) ||
            !Utf8Parser.TryParse(payload.Slice(1 + NodeLength, 16), out ulong version, out var used, 'x') || used != 16 ||
            !Utf8Parser.TryParse(payload.Slice(1 + NodeLength + 16, 8), out uint count, out used, 'x') || used != 8 ||
            payload[FixedLength - 1] is not ((byte)'0' or (byte)'1'))
        {
            throw new FormatException("not a backplane presence payload");
        }

        return new PresenceDelivery(
            Encoding.ASCII.GetString(payload.Slice(1, NodeLength)),
            Encoding.UTF8.GetString(payload[FixedLength..]),
            payload[FixedLength - 1] == (byte)'1',
            (int)count,
            (long)version);
    }
}
