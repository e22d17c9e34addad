using System.Runtime.CompilerServices;

namespace ChatSocket.LoadTest.Protocol;

/// <summary>
/// The fixed-width ASCII marker every generated message carries: <c>~LT</c>, the sender (6 hex digits), the sequence
/// number (8 hex digits), the scheduled send time in <see cref="System.Diagnostics.Stopwatch"/> ticks (16 hex digits), <c>|</c>.
/// Plain ASCII with no character that JSON escapes, so it survives ChatSocket's <c>content</c> byte for byte and can be
/// found in a received frame without parsing the JSON.
/// </summary>
internal static class PayloadMarker
{
    /// <summary>Bytes of the marker.</summary>
    public const int Length = 34;

    /// <summary>Bytes of the identifying part (sender, sequence, time) that is also used as ChatSocket's client_msg_id.</summary>
    public const int CoreLength = 30;

    /// <summary>Largest sender number that fits in the marker.</summary>
    public const int MaxSenders = 0xFFFFFF;

    /// <summary>The three bytes that start a marker.</summary>
    public static ReadOnlySpan<byte> Prefix => "~LT"u8;

    /// <summary>Writes the marker (<see cref="Length"/> bytes) at the start of <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, int sender, uint sequence, long sendTicks)
    {
        Prefix.CopyTo(destination);
        WriteCore(destination[3..], sender, sequence, sendTicks);
        destination[Length - 1] = (byte)'|';
    }

    /// <summary>Writes the identifying part (<see cref="CoreLength"/> hex digits).</summary>
    public static void WriteCore(Span<byte> destination, int sender, uint sequence, long sendTicks)
    {
        WriteHex(destination[..6], (ulong)sender);
        WriteHex(destination.Slice(6, 8), sequence);
        WriteHex(destination.Slice(14, 16), (ulong)sendTicks);
    }

    /// <summary>Finds a marker in <paramref name="frame"/> and reads it.</summary>
    public static bool TryFind(ReadOnlySpan<byte> frame, out int sender, out uint sequence, out long sendTicks)
    {
        var at = frame.IndexOf(Prefix);
        if (at >= 0 && frame.Length - at >= Length)
        {
            return TryReadCore(frame.Slice(at + 3, CoreLength), out sender, out sequence, out sendTicks);
        }

        sender = 0;
        sequence = 0;
        sendTicks = 0;
        return false;
    }

    /// <summary>Reads the identifying part written by <see cref="WriteCore"/>.</summary>
    public static bool TryReadCore(ReadOnlySpan<byte> core, out int sender, out uint sequence, out long sendTicks)
    {
        sender = 0;
        sequence = 0;
        sendTicks = 0;
        if (core.Length < CoreLength
            || !TryReadHex(core[..6], out var s)
            || !TryReadHex(core.Slice(6, 8), out var q)
            || !TryReadHex(core.Slice(14, 16), out var t))
        {
            return false;
        }

        sender = (int)s;
        sequence = (uint)q;
        sendTicks = (long)t;
        return true;
    }

    private static void WriteHex(Span<byte> destination, ulong value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)"0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadHex(ReadOnlySpan<byte> digits, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            int nibble = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)nibble;
        }

        return true;
    }
}
