namespace ChatSocket.LoadTest.Client;

/// <summary>The server refused the upgrade or answered it badly.</summary>
internal sealed class WebSocketConnectException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public WebSocketConnectException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WebSocketConnectException()
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public WebSocketConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
