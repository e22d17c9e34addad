using ChatSocket.Messages;
using ChatSocket.Persistence;

namespace ChatSocket.Rooms;

/// <summary>Outcome of <see cref="Room.TryPublish"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Message">The accepted message, or the original of a resend or conflict; null otherwise.</param>
/// <param name="Issued">With a backplane: the published message (its id issued by the backplane).</param>
internal readonly record struct PublishResult(PublishStatus Status, PendingMessage? Message, ChatMessage? Issued = null)
{
    /// <summary>The message as accepted: issued by the backplane, or assigned under the room's lock.</summary>
    public ChatMessage? Accepted => Issued ?? Message?.Message;
}
