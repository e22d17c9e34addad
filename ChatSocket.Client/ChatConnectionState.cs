namespace ChatSocket.Client;

/// <summary>Where a <see cref="ChatClient"/>'s connection stands.</summary>
public enum ChatConnectionState
{
    /// <summary>Connected; joined rooms are (being) resumed.</summary>
    Connected,

    /// <summary>The connection was lost; the client waits out its backoff and connects again.</summary>
    Reconnecting,

    /// <summary>For good: disposed, closed with a code that forbids reconnecting (1008), or out of attempts.
    /// <see cref="ChatClient.Completion"/> says why.</summary>
    Stopped,
}
