namespace ChatSocket.Protocol;

/// <summary>
/// A client frame of protocol v1 whose fields have the right JSON types. Values are not yet checked against the
/// limits (room id pattern, lengths): the chat layer (<c>Chat/ChatRequestHandler</c>) does that.
/// </summary>
internal sealed class ClientRequest
{
    /// <summary>The frame's <c>type</c>.</summary>
    public required ClientRequestKind Kind { get; init; }

    /// <summary><c>room_id</c>: the room the frame is about.</summary>
    public string? RoomId { get; init; }

    /// <summary><c>content</c> of a <c>send</c>.</summary>
    public string? Content { get; init; }

    /// <summary><c>client_msg_id</c>: the client's key for a <c>send</c>, echoed in the message and in errors.</summary>
    public string? ClientMsgId { get; init; }

    /// <summary><c>history</c> of a <c>join</c>: how many recent messages to send.</summary>
    public int? History { get; init; }

    /// <summary><c>before</c> of a <c>history</c> request: an id to page back from.</summary>
    public string? Before { get; init; }

    /// <summary><c>since</c> of a <c>join</c>: the last message id the client saw; it gets every later one.</summary>
    public string? Since { get; init; }

    /// <summary><c>limit</c> of a <c>history</c> request.</summary>
    public int? Limit { get; init; }

    /// <summary><c>token</c> of a <c>refresh</c>: a new token for the same user. Never logged or echoed.</summary>
    public string? Token { get; init; }
}
