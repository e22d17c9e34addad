using System.Net.WebSockets;
using ChatSocket.Client;
using ChatSocket.Tests.Support;
using ChatClient = ChatSocket.Client.ChatClient;

namespace ChatSocket.Tests.Client;

/// <summary>Close codes, the outgoing buffer's limit and cancellation.</summary>
[TestFixture]
internal sealed class ClientLifecycleTests
{
    [Test]
    [CancelAfter(20_000)]
    public async Task A_policy_violation_close_stops_the_client_for_good_and_reports_it()
    {
        await using var server = await ClosingServer.StartAsync(WebSocketCloseStatus.PolicyViolation, "token expired");
        var states = new List<ChatConnectionState>();
        await using var client = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("erin"));
        client.StateChanged += (_, e) => { lock (states) { states.Add(e.State); } };

        var stopped = Assert.ThrowsAsync<ChatConnectionException>(() => client.Completion.WaitAsync(ChatServer.Deadline));
        Assert.Multiple(() =>
        {
            Assert.That(stopped!.CloseStatus, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
            Assert.That(stopped.Message, Does.Contain("token expired"));
            Assert.That(client.State, Is.EqualTo(ChatConnectionState.Stopped));
            Assert.That(server.Connections, Is.EqualTo(1), "no reconnect");
            Assert.That(states, Does.Not.Contain(ChatConnectionState.Reconnecting));
            Assert.ThrowsAsync<ChatConnectionException>(() => client.JoinAsync("lobby"));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task A_going_away_close_is_followed_by_reconnects()
    {
        await using var server = await ClosingServer.StartAsync(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
        await using var client = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("erin"));
        await Eventually.ReturnsAsync(() => Task.FromResult(server.Connections), n => n >= 3, "three connections");
        Assert.That(client.Completion.IsCompleted, Is.False);
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task SendAsync_fails_fast_when_the_outgoing_buffer_is_full()
    {
        await using var server = await ChatServer.StartAsync(ClientTestOptions.Unlimited);
        var acks = new AckGate();
        await using var client = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("fay", acks, outgoingCapacity: 2));
        var room = await client.JoinAsync("full");

        var first = room.SendAsync("one");
        var second = room.SendAsync("two");
        var refused = Assert.ThrowsAsync<ChatOutgoingBufferFullException>(() => room.SendAsync("three"));
        await acks.WaitForDroppedAsync(2);
        Assert.Multiple(() =>
        {
            Assert.That(refused!.Capacity, Is.EqualTo(2));
            Assert.That(client.PendingSends, Is.EqualTo(2));
            Assert.That(first.IsCompleted || second.IsCompleted, Is.False, "still waiting for their acks");
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task A_cancelled_send_stops_waiting_and_frees_its_slot()
    {
        await using var server = await ChatServer.StartAsync(ClientTestOptions.Unlimited);
        var acks = new AckGate();
        await using var client = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("gus", acks, outgoingCapacity: 1));
        var room = await client.JoinAsync("cancel");

        using var cancel = new CancellationTokenSource();
        var sending = room.SendAsync("never acked", cancel.Token);
        await acks.WaitForDroppedAsync(1);
        await cancel.CancelAsync();

        Assert.That(async () => await sending.WaitAsync(ChatServer.Deadline), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(client.PendingSends, Is.Zero);
        acks.Open();
        Assert.That(await room.SendAsync("next").WaitAsync(ChatServer.Deadline), Has.Length.EqualTo(24), "the slot is free again");
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Cancelling_the_reader_ends_the_stream_and_disposing_the_client_ends_it_cleanly()
    {
        await using var server = await ChatServer.StartAsync(ClientTestOptions.Unlimited);
        var client = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("hal"));
        var room = await client.JoinAsync("quiet");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.That(async () => await room.Messages(cancel.Token).GetAsyncEnumerator(cancel.Token).MoveNextAsync(), Throws.InstanceOf<OperationCanceledException>());

        var reading = RoomReader.ReadAsync(room, 1);
        await client.DisposeAsync().AsTask().WaitAsync(ChatServer.Deadline);
        Assert.Multiple(async () =>
        {
            Assert.That(await reading, Is.Empty, "the stream ended without an error");
            Assert.That(client.Completion.IsCompletedSuccessfully, Is.True);
            Assert.That(client.State, Is.EqualTo(ChatConnectionState.Stopped));
        });
    }
}
