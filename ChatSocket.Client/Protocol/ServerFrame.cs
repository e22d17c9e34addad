namespace ChatSocket.Client.Protocol;

/// <summary>One frame from the server, the fields this client uses. Unknown types and fields are ignored
/// (the protocol adds fields, e.g. <c>users</c>).</summary>
internal sealed record ServerFrame(string Type)
{
    public string? RoomId { get; init; }

    /// <summary><c>message</c>: the message; <c>history</c>: none (see <see cref="Messages"/>).</summary>
    public ChatMessage? Message { get; init; }

    public IReadOnlyList<ChatMessage> Messages { get; init; } = [];

    public bool HasMore { get; init; }

    /// <summary><c>ack</c>: the stored id.</summary>
    public string? Id { get; init; }

    public string? ClientMsgId { get; init; }

    /// <summary><c>error</c>: code, message and ref.</summary>
    public string? Code { get; init; }

    public string? ErrorMessage { get; init; }

    public string? Ref { get; init; }
}
