using System.Text.Json;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.History;

[TestFixture]
public sealed class HistoryTests
{
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        // The ring alone: with persistence on, history reaches past it into MongoDB (Persistence/HistoryTests).
        ["Persistence:Enabled"] = "false",
        ["Chat:HistoryCapacity"] = "6",
        ["Chat:MessagesPerSecond"] = "100000",
        ["Chat:MessageBurst"] = "100000",
    });

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task A_join_gets_the_recent_messages_oldest_first_in_id_order()
    {
        var sent = await SendAsync("h-join", 5);
        await using var late = await _server.ConnectAsync("late");

        await late.SendJsonAsync(new { type = "join", room_id = "h-join", history = 3 });
        var history = await late.ReceiveTypeAsync("history", "h-join");

        Assert.That(Ids(history), Is.EqualTo(sent.Skip(2)));
        Assert.That(history.GetProperty("has_more").GetBoolean(), Is.True);
        Assert.That(history.GetProperty("messages")[0].GetProperty("content").GetString(), Is.EqualTo("m2"));
    }

    [Test]
    public async Task History_outlives_the_room_emptying()
    {
        var sent = await SendAsync("h-empty", 2);
        await using var late = await _server.ConnectAsync("late", room: "h-empty");

        var history = await late.ReceiveTypeAsync("history", "h-empty");

        Assert.That(Ids(history), Is.EqualTo(sent));
        Assert.That(history.GetProperty("has_more").GetBoolean(), Is.False);
    }

    [Test]
    public async Task The_ring_keeps_only_the_newest_messages_and_offers_no_more_than_it_holds()
    {
        var sent = await SendAsync("h-ring", 8);
        await using var late = await _server.ConnectAsync("late");

        await late.SendJsonAsync(new { type = "join", room_id = "h-ring", history = 50 });
        var history = await late.ReceiveTypeAsync("history", "h-ring");

        Assert.That(Ids(history), Is.EqualTo(sent.Skip(2)));
        Assert.That(history.GetProperty("has_more").GetBoolean(), Is.False, "paging further would return nothing");
    }

    [Test]
    public async Task Paging_with_before_returns_the_older_messages()
    {
        var sent = await SendAsync("h-page", 5);
        await using var reader = await _server.ConnectAsync("reader");

        await reader.SendJsonAsync(new { type = "history", room_id = "h-page", before = sent[3], limit = 2 });
        var page = await reader.ReceiveTypeAsync("history", "h-page");
        await reader.SendJsonAsync(new { type = "history", room_id = "h-page", before = sent[1], limit = 2 });
        var first = await reader.ReceiveTypeAsync("history", "h-page");

        Assert.That(Ids(page), Is.EqualTo(new[] { sent[1], sent[2] }));
        Assert.That(page.GetProperty("has_more").GetBoolean(), Is.True);
        Assert.That(Ids(first), Is.EqualTo(new[] { sent[0] }));
        Assert.That(first.GetProperty("has_more").GetBoolean(), Is.False);
    }

    [Test]
    public async Task A_history_request_without_before_returns_the_newest()
    {
        var sent = await SendAsync("h-recent", 3);
        await using var reader = await _server.ConnectAsync("reader");

        await reader.SendJsonAsync(new { type = "history", room_id = "h-recent", limit = 2 });
        var page = await reader.ReceiveTypeAsync("history", "h-recent");

        Assert.That(Ids(page), Is.EqualTo(sent.Skip(1)));
    }

    [Test]
    public async Task A_join_during_sending_sees_history_then_live_messages_without_gap_or_duplicate()
    {
        await using var writer = await _server.ConnectAndJoinAsync("writer", "h-live");
        const int count = 300;
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await writer.SendJsonAsync(new { type = "send", room_id = "h-live", content = $"m{i}" });
            }
        });
        await writer.ReceiveTypeAsync("message", "h-live");
        await using var joiner = await _server.ConnectAsync("joiner");
        await joiner.SendJsonAsync(new { type = "join", room_id = "h-live", history = 6 });

        var history = await joiner.ReceiveTypeAsync("history", "h-live");
        var contents = history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToList();
        while (contents[^1] != $"m{count - 1}")
        {
            contents.Add((await joiner.ReceiveTypeAsync("message", "h-live")).GetProperty("content").GetString()!);
        }

        await sending.WaitAsync(ChatServer.Deadline);
        var first = int.Parse(contents[0][1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(contents, Is.EqualTo(Enumerable.Range(first, count - first).Select(i => $"m{i}")));
    }

    private async Task<List<string>> SendAsync(string room, int count)
    {
        await using var sender = await _server.ConnectAndJoinAsync("sender", room);
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            await sender.SendJsonAsync(new { type = "send", room_id = room, content = $"m{i}" });
            ids.Add((await sender.ReceiveTypeAsync("message", room)).GetProperty("id").GetString()!);
        }

        return ids;
    }

    private static List<string> Ids(JsonElement history) =>
        [.. history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
}
