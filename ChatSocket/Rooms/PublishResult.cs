using ChatSocket.Persistence;

namespace ChatSocket.Rooms;

/// <summary>Outcome of <see cref="Room.TryPublish"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Message">The accepted message, or the original of a resend or conflict; null otherwise.</param>
internal readonly record struct PublishResult(PublishStatus Status, PendingMessage? Message);
