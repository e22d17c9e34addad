namespace ChatSocket.Client;

/// <summary>A message of a room, as the server stored and broadcast it.</summary>
/// <param name="Id">The server's id: 24 lowercase hex digits (a MongoDB ObjectId). Ids increase within a room and
/// are the room's order.</param>
/// <param name="RoomId">The room.</param>
/// <param name="Sender">The <c>user</c> of the connection that sent it.</param>
/// <param name="Content">The text.</param>
/// <param name="Timestamp">Server time of acceptance (UTC).</param>
/// <param name="ClientMsgId">The sender's idempotency key, when it gave one (this client always does).</param>
public sealed record ChatMessage(string Id, string RoomId, string Sender, string Content, DateTimeOffset Timestamp, string? ClientMsgId);
