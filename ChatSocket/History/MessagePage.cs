namespace ChatSocket.History;

/// <summary>The answer of <c>GET /api/rooms/{room_id}/messages</c>: messages oldest first.</summary>
internal sealed record MessagePage(string RoomId, IReadOnlyList<MessageView> Messages, bool HasMore);
