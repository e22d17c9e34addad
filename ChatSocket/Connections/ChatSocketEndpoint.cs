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
}
