using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ChatSocket.Connections;

/// <summary>Registration and mapping of the WebSocket endpoint.</summary>
internal static class ChatSocketEndpoint
{
    /// <summary>The WebSocket path.</summary>
    public const string Path = "/ws";

    /// <summary>Maps <c>/ws</c>.</summary>
    public static IEndpointRouteBuilder MapChatSocket(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map(Path, static context => context.RequestServices.GetRequiredService<ConnectionAcceptor>().AcceptAsync(context));
        return endpoints;
    }

    /// <summary>
    /// Serves WebSocket upgrades of <paramref name="listen"/> below Kestrel's HTTP layer (<see cref="UpgradeBelowHttp"/>).
    /// For plain-text HTTP/1.x listeners: a TLS listener's bytes reach it encrypted (it hands them over at the first
    /// byte), and HTTP/2 with prior knowledge has no upgrade.
    /// </summary>
    public static ListenOptions UseChatSocketBelowHttp(this ListenOptions listen)
    {
        listen.Use(next =>
        {
            var middleware = listen.ApplicationServices.GetRequiredService<UpgradeBelowHttp>();
            return connection => middleware.OnConnectionAsync(connection, next);
        });
        return listen;
    }
}
