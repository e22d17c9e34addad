using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatSocket.Tests.Client;

/// <summary>A stand-in WebSocket server on a loopback port that accepts every upgrade on <c>/ws</c> and closes it at
/// once with one close code (the real server sends 1008 only once auth exists), counting the connections.</summary>
internal sealed class ClosingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;

    private ClosingServer(WebApplication app) => _app = app;

    public int Connections => Volatile.Read(ref _connections);

    public Uri WebSocketUri => new UriBuilder(_app.Urls.First()) { Scheme = "ws", Path = "/ws" }.Uri;

    public static async Task<ClosingServer> StartAsync(WebSocketCloseStatus status, string reason)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var server = new ClosingServer(app);
        app.UseWebSockets();
        app.Map("/ws", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            Interlocked.Increment(ref server._connections);
            await socket.CloseAsync(status, reason, context.RequestAborted);
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await _app.DisposeAsync();
    }
}
