namespace ChatSocket.LoadTest.Metrics;

/// <summary>
/// What one receiver has seen of one sender's sequence numbers: a bitset of the numbers received (grown as they come,
/// so its size is bounded by the messages that sender sent) and the highest so far. A number seen twice is a duplicate;
/// one below the highest, seen for the first time, arrived out of order.
/// </summary>
internal sealed class SenderStream
{
    private ulong[] _seen = new ulong[2];
    private long _highest = -1;

    /// <summary>Distinct messages received.</summary>
    public long Received { get; private set; }

    /// <summary>Messages received more than once (each extra copy counts).</summary>
    public long Duplicates { get; private set; }

    /// <summary>Messages that arrived after a later one of the same sender.</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>Notes the arrival of <paramref name="sequence"/>; false when it was a duplicate.</summary>
    public bool Observe(uint sequence)
    {
        var word = (int)(sequence >> 6);
        if (word >= _seen.Length)
        {
            Array.Resize(ref _seen, Math.Max(_seen.Length * 2, word + 1));
        }

        var bit = 1UL << (int)(sequence & 63);
        if ((_seen[word] & bit) != 0)
        {
            Duplicates++;
            return false;
        }

        _seen[word] |= bit;
        Received++;
        if (sequence < _highest)
        {
            OutOfOrder++;
        }
        else
        {
            _highest = sequence;
        }

        return true;
    }
}
