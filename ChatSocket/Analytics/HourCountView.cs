namespace ChatSocket.Analytics;

/// <summary>An hour of day (0-23, UTC) and how many messages were sent in it over the range.</summary>
internal sealed record HourCountView(int Hour, long Messages);
