using System.Net;
using System.Net.WebSockets;
using System.Text;
using ChatSocket.LoadTest.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatSocket.Tests.LoadTest;

/// <summary>The load tool's own WebSocket client against Kestrel's server-side WebSocket.</summary>
[TestFixture]
public sealed class WsConnectionTests
{
    [Test]
    public async Task A_fragmented_message_arrives_whole_and_pings_are_answered_until_the_server_closes()
    {
        var pongsSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        // Kestrel pings every 50 ms and, with a timeout, drops a client that does not answer them.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(50), KeepAliveTimeout = TimeSpan.FromSeconds(2) });
        app.Map("/ws", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync(Encoding.ASCII.GetBytes("one-"), WebSocketMessageType.Text, false, CancellationToken.None);
            await socket.SendAsync(Encoding.ASCII.GetBytes("two-"), WebSocketMessageType.Text, false, CancellationToken.None);
            await socket.SendAsync(Encoding.ASCII.GetBytes("three"), WebSocketMessageType.Text, true, CancellationToken.None);
            // Several keep-alive rounds pass; an unanswered ping would abort the socket before the close below.
            await Task.Delay(TimeSpan.FromMilliseconds(600));
            await socket.SendAsync(Encoding.ASCII.GetBytes("after pings"), WebSocketMessageType.Text, true, CancellationToken.None);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            pongsSeen.TrySetResult();
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var url = new Uri(app.Urls.First());
        var settings = new ConnectionSettings(64 * 1024, 4096, 1 << 20, ZeroByteReads: true);

        using var connection = await WsConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, url.Port), IPAddress.Loopback, url.Authority, "/ws", settings, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        var handler = new CollectingHandler();
        var reason = await connection.RunAsync(handler, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await pongsSeen.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(handler.Messages, Is.EqualTo(new[] { "one-two-three", "after pings" }));
        Assert.That(connection.CloseStatus, Is.EqualTo(1000));
        Assert.That(reason, Does.StartWith("closed by server"));
    }

    private sealed class CollectingHandler : IFrameHandler
    {
        public List<string> Messages { get; } = [];

        public void OnText(ReadOnlySpan<byte> payload, long receivedTicks) => Messages.Add(Encoding.UTF8.GetString(payload));
    }
}
