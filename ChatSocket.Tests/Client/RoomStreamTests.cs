using ChatSocket.Tests.Support;
using ChatClient = ChatSocket.Client.ChatClient;

namespace ChatSocket.Tests.Client;

/// <summary>A room's stream when the reader is slow and when a resume is longer than one history frame.</summary>
[TestFixture]
internal sealed class RoomStreamTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task A_reader_that_falls_behind_its_small_buffer_gets_every_message_once_in_order()
    {
        await using var server = await ChatServer.StartAsync(ClientTestOptions.Unlimited);
        await using var reader = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("ivy", roomBufferCapacity: 4));
        await using var writer = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("jon"));
        var slow = await reader.JoinAsync("busy");
        var room = await writer.JoinAsync("busy");
        var sent = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            sent.Add(await room.SendAsync($"m{i}"));
        }

        // Nobody read while 30 arrived: the buffer kept 4, the rest is replayed from the server as the reader drains.
        var seen = await RoomReader.ReadAsync(slow, 30);
        Assert.That(seen.Select(m => m.Id), Is.EqualTo(sent));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_resume_longer_than_a_history_frame_follows_has_more_to_the_end()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(ClientTestOptions.Unlimited) { ["Chat:MaxHistory"] = "5", ["Chat:DefaultHistory"] = "5" });
        await using var writer = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("kim"));
        var room = await writer.JoinAsync("long");
        var sent = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            sent.Add(await room.SendAsync($"m{i}"));
        }

        await using var reader = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("lea"));
        var resumed = await reader.JoinAsync("long", since: sent[2]);
        var seen = await RoomReader.ReadAsync(resumed, 20);
        Assert.That(seen.Select(m => m.Id), Is.EqualTo(sent.Skip(3)));
    }
}
