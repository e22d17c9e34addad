namespace ChatSocket.Rooms;

/// <summary>An active room in <c>GET /api/rooms</c>.</summary>
/// <param name="RoomId">The room id.</param>
/// <param name="Members">Connections in it now.</param>
internal sealed record RoomSummary(string RoomId, int Members);
