using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ChatSocket.Transport;

/// <summary>A listening TCP socket that hands Kestrel <see cref="LeanConnection"/>s.</summary>
internal sealed class LeanListener : IConnectionListener
{
    private readonly Socket _socket;

    private LeanListener(Socket socket)
    {
        _socket = socket;
        EndPoint = socket.LocalEndPoint!;
    }

    /// <summary>The bound endpoint: with port 0, the port the system chose.</summary>
    public EndPoint EndPoint { get; }

    /// <summary>Binds and listens like Kestrel's socket transport (dual mode on the IPv6 any address), with room for
    /// <paramref name="backlog"/> connections not yet accepted.</summary>
    public static LeanListener Bind(IPEndPoint endpoint, int backlog)
    {
        Socket socket;
        try
        {
            socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // Kestrel reports this type as "address in use" (and falls back for localhost's second address).
            throw new AddressInUseException(ex.Message, ex);
        }

        try
        {
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new LeanListener(socket);
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                var accepted = await _socket.AcceptAsync(cancellationToken);
                accepted.NoDelay = true;
                return new LeanConnection(accepted);
            }
            catch (ObjectDisposedException)
            {
                // Unbound: Kestrel stops accepting on null.
                return null;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }
            catch (SocketException)
            {
                // A client that reset before it was accepted: not the listener's failure.
            }
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
