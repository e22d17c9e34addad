using System.Net;
using System.Text.Json;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Persistence;

[TestFixture]
public sealed class HistoryTests
{
    // A ring far smaller than the room's history, so that history and resume must reach into MongoDB.
    private static readonly Dictionary<string, string?> SmallRing = new()
    {
        ["Chat:MessagesPerSecond"] = "100000",
        ["Chat:MessageBurst"] = "100000",
        ["Chat:HistoryCapacity"] = "10",
        ["Chat:MaxHistory"] = "8",
        ["Chat:DefaultHistory"] = "5",
    };

    [Test]
    public async Task A_join_during_heavy_sending_gets_history_then_the_live_stream_with_no_gap_and_no_duplicate()
    {
        const int total = 600;
        await using var server = await ChatServer.StartAsync(SmallRing);
        await using var sender = await server.ConnectAndJoinAsync("sender", "busy");
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                await sender.SendJsonAsync(new { type = "send", room_id = "busy", content = i.ToString() });
            }
        });

        // Several clients join at different points of the stream.
        var joiners = new List<(ChatClient Client, Task<List<int>> Seen)>();
        for (var j = 0; j < 4; j++)
        {
            await sender.ReceiveAsync(f => f.GetProperty("type").GetString() == "message" && int.Parse(f.GetProperty("content").GetString()!) >= j * 120);
            var client = await server.ConnectAsync($"joiner{j}");
            await client.SendJsonAsync(new { type = "join", room_id = "busy", history = 8 });
            joiners.Add((client, CollectUntilAsync(client, "busy", total - 1)));
        }

        await sending.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var (client, seen) in joiners)
        {
            var sequence = await seen.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(sequence, Is.EqualTo(Enumerable.Range(sequence[0], sequence.Count)), "history then live: consecutive, no gap, no duplicate");
            Assert.That(sequence[^1], Is.EqualTo(total - 1));
            await client.DisposeAsync();
        }
    }

    [Test]
    public async Task A_resume_with_since_returns_every_later_message_from_the_ring()
    {
        await using var server = await ChatServer.StartAsync();
        await using var alice = await server.ConnectAndJoinAsync("alice", "resume");
        var ids = await SendAndCollectIdsAsync(alice, "resume", 10);

        await using var bob = await server.ConnectAsync("bob");
        await bob.SendJsonAsync(new { type = "join", room_id = "resume", since = ids[3] });
        var history = await bob.ReceiveTypeAsync("history", "resume");

        Assert.That(Ids(history), Is.EqualTo(ids[4..]));
        Assert.That(history.GetProperty("has_more").GetBoolean(), Is.False);
    }

    [Test]
    public async Task A_resume_older_than_the_ring_reads_MongoDB_and_pages_with_has_more()
    {
        await using var server = await ChatServer.StartAsync(SmallRing);
        await using var alice = await server.ConnectAndJoinAsync("alice", "deep");
        var ids = await SendAndCollectIdsAsync(alice, "deep", 30);

        await using var bob = await server.ConnectAsync("bob");
        await bob.SendJsonAsync(new { type = "join", room_id = "deep", since = ids[2] });
        var first = await bob.ReceiveTypeAsync("history", "deep");
        await bob.SendJsonAsync(new { type = "join", room_id = "deep", since = ids[10] });
        var second = await bob.ReceiveTypeAsync("history", "deep");
        await bob.SendJsonAsync(new { type = "join", room_id = "deep", since = ids[26] });
        var last = await bob.ReceiveTypeAsync("history", "deep");

        Assert.That(Ids(first), Is.EqualTo(ids[3..11]), "the MaxHistory (8) messages after the resume point");
        Assert.That(first.GetProperty("has_more").GetBoolean(), Is.True);
        Assert.That(Ids(second), Is.EqualTo(ids[11..19]));
        Assert.That(Ids(last), Is.EqualTo(ids[27..]));
        Assert.That(last.GetProperty("has_more").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Join_history_and_paging_back_reach_past_the_ring_into_MongoDB()
    {
        await using var server = await ChatServer.StartAsync(SmallRing);
        await using var alice = await server.ConnectAndJoinAsync("alice", "pages");
        var ids = await SendAndCollectIdsAsync(alice, "pages", 25);

        await using var bob = await server.ConnectAsync("bob");
        await bob.SendJsonAsync(new { type = "join", room_id = "pages", history = 8 });
        var joined = await bob.ReceiveTypeAsync("history", "pages");
        var pages = new List<string>(Ids(joined));
        var hasMore = joined.GetProperty("has_more").GetBoolean();
        while (hasMore)
        {
            await bob.SendJsonAsync(new { type = "history", room_id = "pages", before = pages[0], limit = 8 });
            var page = await bob.ReceiveTypeAsync("history", "pages");
            pages.InsertRange(0, Ids(page));
            hasMore = page.GetProperty("has_more").GetBoolean();
        }

        Assert.That(Ids(joined), Is.EqualTo(ids[17..]));
        Assert.That(pages, Is.EqualTo(ids), "paging back walks the whole room, ring then database, without gap or duplicate");
    }

    [Test]
    public async Task The_REST_history_pages_back_and_forth_with_the_same_message_objects()
    {
        await using var server = await ChatServer.StartAsync(SmallRing);
        await using var alice = await server.ConnectAndJoinAsync("alice", "rest");
        var ids = await SendAndCollectIdsAsync(alice, "rest", 20);

        var newest = await server.GetJsonAsync("/api/rooms/rest/messages?limit=4");
        var before = await server.GetJsonAsync($"/api/rooms/rest/messages?before={ids[5]}&limit=8");
        var after = await server.GetJsonAsync($"/api/rooms/rest/messages?after={ids[5]}&limit=8");
        var between = await server.GetJsonAsync($"/api/rooms/rest/messages?after={ids[5]}&before={ids[9]}");
        var tail = await server.GetJsonAsync($"/api/rooms/rest/messages?after={ids[15]}&limit=8");

        Assert.That(Ids(newest), Is.EqualTo(ids[16..]));
        Assert.That(newest.GetProperty("has_more").GetBoolean(), Is.True);
        Assert.That(Ids(before), Is.EqualTo(ids[..5]));
        Assert.That(before.GetProperty("has_more").GetBoolean(), Is.False);
        Assert.That(Ids(after), Is.EqualTo(ids[6..14]));
        Assert.That(after.GetProperty("has_more").GetBoolean(), Is.True);
        Assert.That(Ids(between), Is.EqualTo(ids[6..9]));
        Assert.That(Ids(tail), Is.EqualTo(ids[16..]));
        Assert.That(tail.GetProperty("has_more").GetBoolean(), Is.False);
        var first = newest.GetProperty("messages")[0];
        Assert.That(first.GetProperty("room_id").GetString(), Is.EqualTo("rest"));
        Assert.That(first.GetProperty("sender").GetString(), Is.EqualTo("alice"));
        Assert.That(first.GetProperty("content").GetString(), Is.EqualTo("16"));
        Assert.That(first.GetProperty("client_msg_id").GetString(), Is.EqualTo("c16"));
        Assert.That(first.GetProperty("timestamp").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
    }

    [TestCase("/api/rooms/bad%20room/messages", "room_id")]
    [TestCase("/api/rooms/r/messages?before=xyz", "before")]
    [TestCase("/api/rooms/r/messages?after=123", "after")]
    [TestCase("/api/rooms/r/messages?limit=0", "limit")]
    [TestCase("/api/rooms/r/messages?limit=201", "limit")]
    [TestCase("/api/rooms/r/messages?limit=ten", "limit")]
    public async Task The_REST_history_answers_bad_parameters_with_a_problem_response(string path, string field)
    {
        await using var server = await ChatServer.StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync(path);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task The_REST_history_answers_503_with_a_problem_while_the_database_cannot_be_read()
    {
        var embedded = TestStore.Embedded ?? throw new InconclusiveException("fault injection needs the embedded engine (MONGODB_URI is set)");
        await using var server = await ChatServer.StartAsync();
        using var http = server.CreateHttpClient();
        HttpResponseMessage response;
        try
        {
            embedded.Faults.FailCommands(91, "find");
            response = await http.GetAsync("/api/rooms/nothing-in-memory/messages");
        }
        finally
        {
            embedded.Faults.Reset();
        }

        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        }

        using var after = await http.GetAsync("/api/rooms/nothing-in-memory/messages");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK), "answers again once the database does");
    }

    private static async Task<List<int>> CollectUntilAsync(ChatClient client, string room, int last)
    {
        var history = await client.ReceiveTypeAsync("history", room, TimeSpan.FromSeconds(30));
        var seen = history.GetProperty("messages").EnumerateArray().Select(m => int.Parse(m.GetProperty("content").GetString()!)).ToList();
        while (seen.Count == 0 || seen[^1] < last)
        {
            var message = await client.ReceiveTypeAsync("message", room, TimeSpan.FromSeconds(30));
            seen.Add(int.Parse(message.GetProperty("content").GetString()!));
        }

        return seen;
    }

    private static async Task<List<string>> SendAndCollectIdsAsync(ChatClient client, string room, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await client.SendJsonAsync(new { type = "send", room_id = room, content = i.ToString(), client_msg_id = $"c{i}" });
        }

        // Acked means stored: the database part of the history is complete once every ack is in.
        var ids = new List<string>();
        var acks = 0;
        while (ids.Count < count || acks < count)
        {
            var frame = await client.ReceiveAsync(f => f.GetProperty("type").GetString() is "message" or "ack");
            if (frame.GetProperty("type").GetString() == "message")
            {
                ids.Add(frame.GetProperty("id").GetString()!);
            }
            else
            {
                acks++;
            }
        }

        return ids;
    }

    private static List<string> Ids(JsonElement page) =>
        [.. page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
}
