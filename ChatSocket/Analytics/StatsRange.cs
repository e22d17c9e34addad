using System.Globalization;

namespace ChatSocket.Analytics;

/// <summary>The <c>from</c>..<c>to</c> time range (UTC, <c>to</c> excluded) of a statistics request.</summary>
internal readonly record struct StatsRange(DateTime From, DateTime To)
{
    /// <summary>The default range is the last day.</summary>
    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(1);

    /// <summary>Reads ISO 8601 <paramref name="from"/> and <paramref name="to"/> (either may be absent: <c>to</c> is
    /// then now, <c>from</c> a day before <c>to</c>); adds what is wrong to <paramref name="errors"/>.</summary>
    public static StatsRange Parse(string? from, string? to, DateTime now, int maxDays, Dictionary<string, string[]> errors)
    {
        var end = ParseTime(to, "to", errors) ?? now;
        var start = ParseTime(from, "from", errors) ?? end - DefaultLength;
        if (errors.Count == 0)
        {
            if (start >= end)
            {
                errors["from"] = ["from must be before to"];
            }
            else if (end - start > TimeSpan.FromDays(maxDays))
            {
                errors["to"] = [$"the range from..to must not exceed {maxDays} days"];
            }
        }

        return new StatsRange(start, end);
    }

    private static DateTime? ParseTime(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.UtcDateTime;
        }

        errors[name] = [$"{name} must be an ISO 8601 date and time, such as 2026-11-25T10:00:00Z"];
        return null;
    }
}
