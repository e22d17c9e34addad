using MongoDB.Bson;

namespace ChatSocket.Messages;

/// <summary>
/// One accepted chat message, as clients see it in <c>message</c> and <c>history</c> frames.
/// </summary>
/// <param name="Id">Server-assigned ObjectId; ids order the messages of a room.</param>
/// <param name="RoomId">The room it was sent to.</param>
/// <param name="Sender">The sending connection's user name (never taken from the frame).</param>
/// <param name="Content">The text.</param>
/// <param name="Timestamp">Server time of acceptance, UTC, millisecond precision.</param>
/// <param name="ClientMsgId">The sender's optional idempotency key.</param>
internal sealed record ChatMessage(ObjectId Id, string RoomId, string Sender, string Content, DateTime Timestamp, string? ClientMsgId);
