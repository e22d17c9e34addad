namespace ChatSocket.Analytics;

/// <summary>The answer of <c>GET /api/stats</c>: messages stored across rooms and the busiest rooms.</summary>
internal sealed record ServerStatsView(string From, string To, long Messages, IReadOnlyList<RoomCountView> TopRooms);
