using System.ComponentModel.DataAnnotations;

namespace ChatSocket.Analytics;

/// <summary>Limits of the statistics endpoints (<c>/api/rooms/{room_id}/stats</c>, <c>/api/stats</c>), bound from the
/// <c>Analytics</c> configuration section and validated at start.</summary>
internal sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>Longest <c>from</c>..<c>to</c> range in days (default 366). Longer: 400.</summary>
    [Range(1, 3_660)]
    public int MaxRangeDays { get; set; } = 366;

    /// <summary>Longest range in days with <c>bucket=hour</c> (default 31, 744 buckets). Longer: 400.</summary>
    [Range(1, 366)]
    public int MaxHourBucketDays { get; set; } = 31;

    /// <summary>How many top senders and top rooms are listed (default 10).</summary>
    [Range(1, 1_000)]
    public int Top { get; set; } = 10;
}
