using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatSocket.Tests.LoadTest;

/// <summary>
/// A peer-like server for the load tool's tests: real Kestrel on 127.0.0.1 port 0 speaking the bench kit's raw protocol
/// (room from the URL, every text frame broadcast to the room, sender included). Each member has a bounded queue and
/// its own send loop; it records the source address of every connection.
/// </summary>
internal sealed class RawBroadcastServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<byte[]>, byte>> _rooms = new();
    private readonly ConcurrentDictionary<string, int> _sources = new();
    private WebApplication? _app;

    /// <summary>The WebSocket URL, ws://127.0.0.1:PORT/ws.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Connections accepted, by remote address.</summary>
    public IReadOnlyDictionary<string, int> Sources => _sources;

    /// <summary>Starts a server.</summary>
    public static async Task<RawBroadcastServer> StartAsync()
    {
        var server = new RawBroadcastServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", server.HandleAsync);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.Url = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/ws");
        server._app = app;
        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var room = context.Request.Query["room"].FirstOrDefault() ?? "lobby";
        _sources.AddOrUpdate(context.Connection.RemoteIpAddress?.ToString() ?? "?", 1, (_, n) => n + 1);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(4096) { SingleReader = true });
        var members = _rooms.GetOrAdd(room, _ => new ConcurrentDictionary<Channel<byte[]>, byte>());
        members.TryAdd(queue, 0);
        var aborted = context.RequestAborted;
        var sending = SendLoopAsync(socket, queue.Reader, aborted);
        try
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), aborted);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var frame = buffer.AsSpan(0, length).ToArray();
                foreach (var member in members.Keys)
                {
                    // A full member queue drops the frame: the smoke test would then see the loss, as it should.
                    member.Writer.TryWrite(frame);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away: leave the room below.
        }
        finally
        {
            members.TryRemove(queue, out _);
            queue.Writer.TryComplete();
            await sending;
            if (socket.State is WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
    }

    private static async Task SendLoopAsync(WebSocket socket, ChannelReader<byte[]> queue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in queue.ReadAllAsync(cancellationToken))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The connection ended; the receive side cleans up.
        }
    }
}
