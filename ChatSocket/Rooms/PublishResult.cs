using ChatSocket.Persistence;

namespace ChatSocket.Rooms;

/// <summary>Outcome of <see cref="Room.TryPublish"/>.</summary>
/// <param name="Message">The accepted message, or the original of a resend; null when the queue was full.</param>
/// <param name="IsResend">True when the sender had already sent this <c>client_msg_id</c>: nothing was broadcast.</param>
internal readonly record struct PublishResult(PendingMessage? Message, bool IsResend);
