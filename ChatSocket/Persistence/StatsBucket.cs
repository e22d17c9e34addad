namespace ChatSocket.Persistence;

/// <summary>The width of a statistics bucket (UTC).</summary>
internal enum StatsBucket
{
    Hour,
    Day,
}
