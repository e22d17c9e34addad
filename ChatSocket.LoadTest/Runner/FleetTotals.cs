namespace ChatSocket.LoadTest.Runner;

/// <summary>A snapshot of the clients' counters, summed.</summary>
internal readonly record struct FleetTotals(long Sent, long Delivered, long Acks, long ErrorFrames, long Misrouted)
{
    /// <summary>Sums the counters of <paramref name="clients"/>.</summary>
    public static FleetTotals Of(IReadOnlyList<LoadClient> clients)
    {
        long sent = 0, delivered = 0, acks = 0, errors = 0, misrouted = 0;
        foreach (var c in clients)
        {
            sent += c.Sent;
            delivered += c.DeliveriesReceived;
            acks += c.AcksReceived;
            errors += c.ErrorFrames;
            misrouted += c.Misrouted;
        }

        return new FleetTotals(sent, delivered, acks, errors, misrouted);
    }

    /// <summary>The difference between two snapshots.</summary>
    public static FleetTotals operator -(FleetTotals a, FleetTotals b) =>
        new(a.Sent - b.Sent, a.Delivered - b.Delivered, a.Acks - b.Acks, a.ErrorFrames - b.ErrorFrames, a.Misrouted - b.Misrouted);
}
