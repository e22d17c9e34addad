namespace ChatSocket.Client;

/// <summary>The base of every exception this library throws for a chat-level failure.</summary>
public class ChatException : Exception
{
    public ChatException()
    {
    }

    public ChatException(string message)
        : base(message)
    {
    }

    public ChatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
