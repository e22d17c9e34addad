using System.Net.Sockets;

namespace ChatSocket.Transport;

/// <summary>
/// A <see cref="LeanConnection"/>'s socket, for a connection middleware that reads its first bytes straight from the
/// socket before any pipe exists (the upgrade below HTTP): a WebSocket served that way never gets pipes at all.
/// </summary>
internal interface IDirectSocketFeature
{
    /// <summary>The connection's socket.</summary>
    Socket Socket { get; }

    /// <summary>Whether the socket may still be read directly: nothing has asked for the transport's pipes yet.</summary>
    bool CanReadDirectly { get; }

    /// <summary>
    /// Gives back bytes read directly that are not the reader's (a request the HTTP layer serves): the input pipe,
    /// when it is first asked for, starts with them. Only while <see cref="CanReadDirectly"/>.
    /// </summary>
    void Unread(ReadOnlySpan<byte> bytes);

    /// <summary>
    /// Takes the socket over: from now on disposing or aborting the connection leaves it open, and closing it is the
    /// caller's. The connection middleware can then return, so that Kestrel forgets the connection and its state while
    /// the caller goes on serving the socket. Only while <see cref="CanReadDirectly"/>.
    /// </summary>
    void Detach();
}
