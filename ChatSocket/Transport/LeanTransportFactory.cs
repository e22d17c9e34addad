using System.Net;
using Microsoft.AspNetCore.Connections;

namespace ChatSocket.Transport;

/// <summary>
/// Kestrel's transport for TCP endpoints when <c>Chat:LeanTransport</c> is on (issue 11): connections whose pipes are
/// created only when something asks for them (<see cref="LeanConnection"/>). Other endpoints (Unix sockets, named
/// pipes) stay with Kestrel's socket transport, which Kestrel picks when this factory cannot bind them.
/// </summary>
internal sealed class LeanTransportFactory(int backlog) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint ip)
        {
            throw new NotSupportedException($"The lean transport binds TCP endpoints only, not {endpoint}.");
        }

        return ValueTask.FromResult<IConnectionListener>(LeanListener.Bind(ip, backlog));
    }
}
