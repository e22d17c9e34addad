namespace ChatSocket.Analytics;

/// <summary>A room and how many messages were stored in it in the range.</summary>
internal sealed record RoomCountView(string RoomId, long Messages);
