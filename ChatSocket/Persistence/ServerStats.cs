namespace ChatSocket.Persistence;

/// <summary>Stored activity across rooms over a time range: the total and the busiest rooms.</summary>
internal sealed record ServerStats(long Messages, IReadOnlyList<NamedCount> TopRooms);
