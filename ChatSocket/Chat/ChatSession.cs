using ChatSocket.Identity;
using ChatSocket.Persistence;
using ChatSocket.Protocol;

namespace ChatSocket.Chat;

/// <summary>
/// One client's state in the chat: who it is, the rooms it joined and its rate limit. Touched only by its
/// connection's receive loop and its end; the writer reaches it only through <see cref="OnStored"/>, the keep-alive
/// sweep only through <see cref="IsExpired"/>.
/// </summary>
/// <param name="client">The connection behind the session.</param>
/// <param name="options">The chat's limits (rate limit).</param>
/// <param name="identity">The token's identity; null when authentication is off.</param>
internal sealed class ChatSession(IChatClient client, ChatOptions options, UserIdentity? identity = null) : IAckTarget
{
    /// <summary>The text of a <see cref="ErrorCodes.DuplicateClientMsgId"/> error.</summary>
    public const string DuplicateClientMsgIdMessage = "this client_msg_id was already used for another message in this room; a resend must carry the same content";

    // Most clients are in one room: the list starts with room for one (a backing array of 32 bytes, not 56; issue 11).
    private readonly List<string> _rooms = new(1);
    private volatile UserIdentity? _identity = identity;

    /// <summary>The connection behind the session.</summary>
    public IChatClient Client => client;

    /// <summary>The user name every message of this client carries as <c>sender</c>.</summary>
    public string User => client.User;

    /// <summary>What the client's current token says (rooms, expiry); null when authentication is off.</summary>
    public UserIdentity? Identity => _identity;

    /// <summary>Whether the token has run out (never without authentication): the connection must close.</summary>
    public bool IsExpired(DateTimeOffset now) => _identity is { } current && now >= current.ValidUntil;

    /// <summary>Takes a refreshed token of the same user: its rooms and expiry from now on.</summary>
    public void Refresh(UserIdentity refreshed)
    {
        if (refreshed.Name != User)
        {
            throw new ArgumentException("a refresh must be for the same user", nameof(refreshed));
        }

        _identity = refreshed;
    }

    /// <summary>Frames per second this client may send.</summary>
    public TokenBucket RateLimiter { get; } = new(options.MessagesPerSecond, options.MessageBurst);

    /// <summary>Rooms joined, oldest join first.</summary>
    public IReadOnlyList<string> Rooms => _rooms;

    /// <summary>The room plain text goes to: the most recently joined room still joined.</summary>
    public string? CurrentRoom => _rooms.Count > 0 ? _rooms[^1] : null;

    public bool IsIn(string roomId) => _rooms.Contains(roomId);

    /// <summary>Records a join (moving a re-joined room to the end: it becomes the current room).</summary>
    public void AddRoom(string roomId)
    {
        _rooms.Remove(roomId);
        _rooms.Add(roomId);
    }

    public void RemoveRoom(string roomId) => _rooms.Remove(roomId);

    /// <summary>Queues a frame to the client.</summary>
    public void Send(ReadOnlyMemory<byte> frame) => client.Send(frame);

    /// <summary>Queues an error frame.</summary>
    public void SendError(ProtocolError error) => client.Send(ServerFrames.Error(error));

    /// <summary>The writer's word on a message this client sent: an <c>ack</c> once it is durable, an error when the
    /// database refused it for good. Dropped when the connection is closing.</summary>
    public void OnStored(PendingMessage message, InsertOutcome outcome)
    {
        if (client.IsClosing)
        {
            return;
        }

        var sent = message.Message;
        if (outcome.Stored)
        {
            client.SendReply(ServerFrames.Ack(sent.RoomId, outcome.StoredId, sent.ClientMsgId));
        }
        else if (outcome.IsClientMsgIdConflict)
        {
            client.SendReply(ServerFrames.Error(new ProtocolError(ErrorCodes.DuplicateClientMsgId, DuplicateClientMsgIdMessage, sent.ClientMsgId)));
        }
        else
        {
            client.SendReply(ServerFrames.Error(new ProtocolError(ErrorCodes.StoreFailed, "the database refused this message; it was not stored", sent.ClientMsgId ?? sent.Id.ToString())));
        }
    }
}
