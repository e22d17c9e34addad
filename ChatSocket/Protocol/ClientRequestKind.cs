namespace ChatSocket.Protocol;

/// <summary>The <c>type</c> of a client frame.</summary>
internal enum ClientRequestKind
{
    Join,
    Leave,
    Send,
    History,
    Ping,
    Refresh,
}
