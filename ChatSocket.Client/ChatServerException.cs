namespace ChatSocket.Client;

/// <summary>The server refused a frame with an <c>error</c> frame; <see cref="ErrorCode"/> is its <c>code</c>
/// (see <see cref="ChatErrorCodes"/>).</summary>
public class ChatServerException : ChatException
{
    public ChatServerException(string errorCode, string message)
        : base($"{errorCode}: {message}")
    {
        ErrorCode = errorCode;
        ServerMessage = message;
    }

    public string ErrorCode { get; }

    /// <summary>The server's explanation, for people.</summary>
    public string ServerMessage { get; }

    internal static ChatServerException For(string errorCode, string message) =>
        errorCode == ChatErrorCodes.DuplicateClientMsgId
            ? new ChatDuplicateClientMsgIdException(message)
            : new ChatServerException(errorCode, message);
}
