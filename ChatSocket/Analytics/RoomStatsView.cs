namespace ChatSocket.Analytics;

/// <summary>The answer of <c>GET /api/rooms/{room_id}/stats</c>.</summary>
/// <param name="RoomId">The room.</param>
/// <param name="From">Start of the range (UTC, included).</param>
/// <param name="To">End of the range (UTC, excluded).</param>
/// <param name="Bucket"><c>hour</c> or <c>day</c>.</param>
/// <param name="Messages">Messages in the range.</param>
/// <param name="Senders">Distinct senders in the range.</param>
/// <param name="Buckets">Every bucket of the range, oldest first, empty ones with zeros.</param>
/// <param name="TopSenders">Senders by messages, most first.</param>
/// <param name="BusiestHour">The hour of day (UTC) with the most messages; null when there were none.</param>
internal sealed record RoomStatsView(
    string RoomId,
    string From,
    string To,
    string Bucket,
    long Messages,
    long Senders,
    IReadOnlyList<BucketView> Buckets,
    IReadOnlyList<SenderCountView> TopSenders,
    HourCountView? BusiestHour);
