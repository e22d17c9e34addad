namespace ChatSocket.Persistence;

/// <summary>A room's stored activity over a time range.</summary>
/// <param name="Buckets">Buckets with at least one message, oldest first.</param>
/// <param name="Messages">Messages in the range.</param>
/// <param name="Senders">Distinct senders in the range.</param>
/// <param name="TopSenders">Senders by messages, most first (then by name).</param>
/// <param name="BusiestHour">The hour of day (UTC) with the most messages, null without messages.</param>
internal sealed record RoomStats(
    IReadOnlyList<ActivityBucket> Buckets,
    long Messages,
    long Senders,
    IReadOnlyList<NamedCount> TopSenders,
    NamedCount? BusiestHour);
