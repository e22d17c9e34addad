namespace ChatSocket.Client;

/// <summary>The connection changed state; <see cref="Error"/> is what ended the previous connection, if anything did.</summary>
public sealed class ChatConnectionStateChangedEventArgs(ChatConnectionState state, Exception? error) : EventArgs
{
    public ChatConnectionState State { get; } = state;

    public Exception? Error { get; } = error;
}
