namespace ChatSocket.Protocol;

/// <summary>Values of the <c>code</c> field of <c>error</c> frames (docs/PROTOCOL.md lists when each is sent).</summary>
internal static class ErrorCodes
{
    /// <summary>Malformed JSON, unknown type, missing or ill-typed field, value out of its rules.</summary>
    public const string BadRequest = "bad_request";

    /// <summary>Send or leave for a room the connection is not in (or plain text while in none).</summary>
    public const string NotInRoom = "not_in_room";

    /// <summary>The connection's or the server's room limit is reached.</summary>
    public const string TooManyRooms = "too_many_rooms";

    /// <summary>The connection sends faster than its token bucket allows; the frame was dropped.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The persistence queue stayed full past its timeout: the message was neither broadcast nor stored.</summary>
    public const string Overloaded = "overloaded";

    /// <summary>The database refused a broadcast message for good (not a transient failure): it is not stored.</summary>
    public const string StoreFailed = "store_failed";

    /// <summary>History could not be read from the database (an outage): the join or history request did nothing; ask
    /// again later.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The sender already used this <c>client_msg_id</c> in the room for other content: nothing was broadcast or
    /// stored. A <c>client_msg_id</c> stays used for as long as its message is stored.</summary>
    public const string DuplicateClientMsgId = "duplicate_client_msg_id";

    /// <summary>The user may not do this: a join or history read of a room its token does not grant (or another
    /// pair's direct-message room), or a <c>refresh</c> with a token for another user.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>A <c>refresh</c> whose token was refused (the message says why); the connection keeps its token.</summary>
    public const string Unauthorized = "unauthorized";
}
