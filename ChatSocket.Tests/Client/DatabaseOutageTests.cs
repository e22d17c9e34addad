using ChatSocket.Client;
using ChatSocket.Tests.Support;
using ChatClient = ChatSocket.Client.ChatClient;
using ChatClientOptions = ChatSocket.Client.ChatClientOptions;

namespace ChatSocket.Tests.Client;

/// <summary>What the client does with the server's <c>unavailable</c> while MongoDB does not answer (the embedded
/// engine's fault injection plays the outage).</summary>
[TestFixture]
internal sealed class DatabaseOutageTests
{
    [Test]
    [CancelAfter(20_000)]
    public async Task A_join_refused_as_unavailable_is_reported_as_an_incomplete_replay_and_retried_until_it_succeeds()
    {
        var embedded = RequireEmbedded();
        var server = await ChatServer.StartAsync(ClientTestOptions.Unlimited);
        string first, second;
        await using (var writer = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("max")))
        {
            var writerRoom = await writer.JoinAsync("dark");
            first = await writerRoom.SendAsync("before");
            second = await writerRoom.SendAsync("during");
        }

        // A restarted server has the room in MongoDB only: a resume has to read it from there.
        server = await server.RestartAsync();
        await using var stopServer = server;
        await using var reader = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("nia"));
        var reports = new List<ReplayIncompleteEventArgs>();

        reader.ReplayIncomplete += (_, e) => { lock (reports) { reports.Add(e); } };

        ChatRoom resumed;
        try
        {
            // Code 2 (BadValue) is not retryable: the server's history read fails at once and it answers unavailable.
            embedded.Faults.FailCommands(2, "find");
            var resuming = reader.JoinAsync("dark", since: first);
            await Eventually.ReturnsAsync(() => Task.FromResult(Count(reports)), n => n > 0, "a ReplayIncomplete report");
            Assert.That(resuming.IsCompleted, Is.False, "still trying");
            embedded.Faults.Reset();
            resumed = await resuming.WaitAsync(ChatServer.Deadline);
        }
        finally
        {
            embedded.Faults.Reset();
        }

        var seen = await RoomReader.ReadAsync(resumed, 1);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Select(m => m.Id), Is.EqualTo(new[] { second }), "the missed message once the retry went through");
            Assert.That(reports[0].RoomId, Is.EqualTo("dark"));
            Assert.That(reports[0].ErrorCode, Is.EqualTo(ChatErrorCodes.Unavailable));
            Assert.That(reports[0].LastMessageId, Is.EqualTo(first));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task A_send_refused_as_unavailable_is_retried_with_the_same_client_msg_id_and_stored_once()
    {
        var embedded = RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(ClientTestOptions.Unlimited)
        {
            ["Persistence:ClientMsgIdCheckTimeout"] = "00:00:00.200",
        });
        var options = new ChatClientOptions { User = "oli", Reconnect = ClientTestOptions.FastReconnect, MaxSendAttempts = 50 };
        await using var client = await ChatClient.ConnectAsync(server.WebSocketUri, options);
        var room = await client.JoinAsync("flaky");

        string id;
        try
        {
            embedded.Faults.FailCommands(2, "find");
            var sending = room.SendAsync("checked later");
            await Eventually.ReturnsAsync(() => Task.FromResult(embedded.Faults.InjectedCount), n => n > 0, "a failed client_msg_id check");
            embedded.Faults.Reset();
            id = await sending.WaitAsync(ChatServer.Deadline);
        }
        finally
        {
            embedded.Faults.Reset();
        }

        var seen = await RoomReader.ReadAsync(room, 1);
        var history = await server.GetJsonAsync("/api/rooms/flaky/messages");
        Assert.Multiple(() =>
        {
            Assert.That(seen.Select(m => (m.Id, m.Content)), Is.EqualTo(new[] { (id, "checked later") }));
            Assert.That(history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()), Is.EqualTo(new[] { id }), "stored once");
        });
    }

    private static int Count(List<ReplayIncompleteEventArgs> reports)
    {
        lock (reports)
        {
            return reports.Count;
        }
    }

    private static ChatSocket.EmbeddedMongo.EmbeddedMongoServer RequireEmbedded() =>
        TestStore.Embedded ?? throw new InconclusiveException("fault injection needs the embedded engine (MONGODB_URI is set)");
}
