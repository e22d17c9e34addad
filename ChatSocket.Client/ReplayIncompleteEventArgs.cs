namespace ChatSocket.Client;

/// <summary>
/// A room could not be (re)joined from <see cref="LastMessageId"/>: the server answered <see cref="ErrorCode"/>
/// (<c>unavailable</c> while MongoDB is down, <c>rate_limited</c>, ...). Until a later attempt succeeds, the room's
/// stream is missing whatever was said after <see cref="LastMessageId"/>; the client tries again after
/// <see cref="RetryIn"/>, and a successful resume delivers the missed messages in order, so no gap remains.
/// </summary>
public sealed class ReplayIncompleteEventArgs(string roomId, string? lastMessageId, string errorCode, TimeSpan retryIn) : EventArgs
{
    public string RoomId { get; } = roomId;

    /// <summary>The last message the stream holds; null when the room has given none yet.</summary>
    public string? LastMessageId { get; } = lastMessageId;

    public string ErrorCode { get; } = errorCode;

    public TimeSpan RetryIn { get; } = retryIn;
}
