namespace ChatSocket.Client;

/// <summary>The <c>code</c>s of the protocol's <c>error</c> frames (docs/PROTOCOL.md, Errors).</summary>
public static class ChatErrorCodes
{
    public const string BadRequest = "bad_request";
    public const string NotInRoom = "not_in_room";
    public const string TooManyRooms = "too_many_rooms";
    public const string RateLimited = "rate_limited";
    public const string Overloaded = "overloaded";
    public const string StoreFailed = "store_failed";
    public const string Unavailable = "unavailable";
    public const string DuplicateClientMsgId = "duplicate_client_msg_id";

    /// <summary>Codes that mean "nothing happened, ask again later": the client retries them with backoff.</summary>
    internal static bool IsTransient(string code) =>
        code is Unavailable or Overloaded or RateLimited or NotInRoom;
}
