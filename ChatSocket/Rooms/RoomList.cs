namespace ChatSocket.Rooms;

/// <summary>Body of <c>GET /api/rooms</c>: <c>{"rooms":[{"room_id":"lobby","members":2}]}</c>.</summary>
/// <param name="Rooms">Active rooms ordered by id.</param>
internal sealed record RoomList(IReadOnlyList<RoomSummary> Rooms);
