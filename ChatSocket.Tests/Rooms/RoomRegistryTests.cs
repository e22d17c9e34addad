using ChatSocket.Rooms;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Rooms;

[TestFixture]
public sealed class RoomRegistryTests
{
    [Test]
    public async Task Concurrent_joins_and_leaves_of_one_room_leave_no_empty_room_behind()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:MessagesPerSecond"] = "100000",
            ["Chat:MessageBurst"] = "100000",
        });
        var clients = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => server.ConnectAsync($"churn{i}")));
        try
        {
            await Task.WhenAll(clients.Select(async client =>
            {
                for (var round = 0; round < 15; round++)
                {
                    await client.SendJsonAsync(new { type = "join", room_id = "churn", history = 0 });
                    await client.ReceiveTypeAsync("joined", "churn");
                    await client.SendJsonAsync(new { type = "leave", room_id = "churn" });
                    await client.ReceiveTypeAsync("left", "churn");
                }
            })).WaitAsync(TimeSpan.FromSeconds(60));

            var rooms = server.GetRequiredService<RoomRegistry>();
            Assert.That(rooms.Count, Is.Zero);
            Assert.That(rooms.Find("churn"), Is.Null);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task A_connection_that_ends_is_removed_from_every_room_it_was_in()
    {
        await using var server = await ChatServer.StartAsync();
        await using var watcher = await server.ConnectAndJoinAsync("watcher", "end-1");
        var leaver = await server.ConnectAndJoinAsync("leaver", "end-1");
        foreach (var room in new[] { "end-2", "end-3" })
        {
            await leaver.SendJsonAsync(new { type = "join", room_id = room });
            await leaver.ReceiveTypeAsync("history", room);
        }

        await leaver.DisposeAsync();
        var leave = await watcher.ReceiveAsync(f => f.GetProperty("type").GetString() == "presence" && f.GetProperty("event").GetString() == "leave");

        Assert.That(leave.GetProperty("user").GetString(), Is.EqualTo("leaver"));
        var rooms = server.GetRequiredService<RoomRegistry>();
        using (var deadline = new CancellationTokenSource(ChatServer.Deadline))
        {
            // The other rooms are left right after the one the watcher sees.
            while (rooms.Count > 1)
            {
                await Task.Delay(10, deadline.Token);
            }
        }

        Assert.That((await rooms.SummariesAsync(CancellationToken.None)).Select(r => (r.RoomId, r.Members)), Is.EqualTo(new[] { ("end-1", 1) }));
    }
}
