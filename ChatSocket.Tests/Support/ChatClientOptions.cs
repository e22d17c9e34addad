namespace ChatSocket.Tests.Support;

/// <summary>How <see cref="ChatClient.ConnectAsync"/> connects.</summary>
internal sealed class ChatClientOptions
{
    /// <summary>An Origin header to send (browsers do; wscat and ClientWebSocket do not by default).</summary>
    public string? Origin { get; init; }

    /// <summary>False: the client does not read at all (a stuck consumer) until <see cref="ChatClient.StartReceiving"/>.</summary>
    public bool StartReceiving { get; init; } = true;

    /// <summary>A token sent as <c>Authorization: Bearer</c> on the upgrade.</summary>
    public string? BearerToken { get; init; }

    /// <summary>A small socket receive buffer (bytes) makes a non-reading client's backlog reach the server sooner.</summary>
    public int? ReceiveBufferSize { get; init; }
}
