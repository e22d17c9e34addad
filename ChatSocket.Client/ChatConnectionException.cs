using System.Net.WebSockets;

namespace ChatSocket.Client;

/// <summary>
/// The client stopped for good, or could not connect: the server closed with a code that forbids reconnecting
/// (<see cref="CloseStatus"/>, e.g. 1008 policy violation), refused the upgrade (<see cref="HttpStatusCode"/>), or the
/// reconnect policy ran out of attempts.
/// </summary>
public sealed class ChatConnectionException : ChatException
{
    public ChatConnectionException(string message, WebSocketCloseStatus? closeStatus = null, int? httpStatusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        CloseStatus = closeStatus;
        HttpStatusCode = httpStatusCode;
    }

    public WebSocketCloseStatus? CloseStatus { get; }

    public int? HttpStatusCode { get; }
}
