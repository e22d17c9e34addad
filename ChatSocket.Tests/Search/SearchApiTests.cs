using System.Net;
using System.Text.Json;
using ChatSocket.Tests.Support;
using MongoDB.Driver;

namespace ChatSocket.Tests.Search;

/// <summary>GET /api/rooms/{room_id}/search and the search frame against the real server and its database.</summary>
[TestFixture]
public sealed class SearchApiTests
{
    private static readonly DateTime T0 = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAndSeed()
    {
        _server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:MessagesPerSecond"] = "1000", ["Chat:MessageBurst"] = "1000" });
        await ServerDatabase.WaitForIndexesAsync(_server);
        await ServerDatabase.InsertAsync(_server,
        [
            ("ops", "ann", "We deploy on Friday", T0),
            ("ops", "bob", "deploy friday, deploy often, deploy now", T0.AddMinutes(1)),
            ("ops", "cid", "Friday lunch at the café", T0.AddMinutes(2)),
            ("ops", "ann", "deploy the staging box", T0.AddMinutes(3)),
            ("ops", "bob", "Déploy FRIDAY again", T0.AddMinutes(4)),
            ("ops", "cid", "nothing to see", T0.AddMinutes(5)),
            ("dev", "dan", "deploy friday in another room", T0.AddMinutes(6)),
        ]);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) => HttpAnswer.GetAsync(_server, path);

    private static string[] Contents(JsonElement page) =>
        [.. page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("content").GetString()!)];

    [Test]
    public async Task Every_word_must_appear_in_any_case_and_accent_and_only_in_the_room()
    {
        var (status, page) = await GetAsync("/api/rooms/ops/search?q=" + Uri.EscapeDataString("  deploy   FRIDAY "));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Contents(page), Is.EquivalentTo(new[] { "We deploy on Friday", "deploy friday, deploy often, deploy now", "Déploy FRIDAY again" }));
        Assert.That(page.GetProperty("room_id").GetString(), Is.EqualTo("ops"));
        Assert.That(page.GetProperty("q").GetString(), Is.EqualTo("deploy   FRIDAY"));
        Assert.That(page.GetProperty("has_more").GetBoolean(), Is.False);
        var first = page.GetProperty("results")[0];
        Assert.That(first.GetProperty("sender").GetString(), Is.Not.Empty);
        Assert.That(first.GetProperty("id").GetString(), Has.Length.EqualTo(24));
        Assert.That(first.GetProperty("timestamp").GetString(), Does.EndWith("Z"));
    }

    [Test]
    public async Task Best_match_comes_first_then_the_newest()
    {
        var (_, page) = await GetAsync("/api/rooms/ops/search?q=deploy");
        var results = page.GetProperty("results").EnumerateArray().ToList();
        var scores = results.Select(r => r.GetProperty("score").GetDouble()).ToList();

        Assert.That(results[0].GetProperty("content").GetString(), Is.EqualTo("deploy friday, deploy often, deploy now"), "three occurrences score highest");
        Assert.That(scores, Is.Ordered.Descending);
        for (var i = 1; i < results.Count; i++)
        {
            if (scores[i] == scores[i - 1])
            {
                Assert.That(string.CompareOrdinal(results[i - 1].GetProperty("id").GetString(), results[i].GetProperty("id").GetString()), Is.GreaterThan(0), "ties: newest first");
            }
        }
    }

    [Test]
    public async Task Phrases_and_exclusions_keep_their_meaning()
    {
        var (_, phrase) = await GetAsync("/api/rooms/ops/search?q=" + Uri.EscapeDataString("\"friday lunch\""));
        var (_, excluded) = await GetAsync("/api/rooms/ops/search?q=" + Uri.EscapeDataString("deploy -friday"));

        Assert.That(Contents(phrase), Is.EqualTo(new[] { "Friday lunch at the café" }));
        Assert.That(Contents(excluded), Is.EqualTo(new[] { "deploy the staging box" }));
    }

    [Test]
    public async Task Pages_follow_each_other_without_gap_or_repeat()
    {
        var (_, all) = await GetAsync("/api/rooms/ops/search?q=deploy&limit=100");
        var expected = all.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        var seen = new List<string>();
        string? before = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var (status, page) = await GetAsync("/api/rooms/ops/search?q=deploy&limit=1" + (before is null ? "" : "&before=" + before));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), page.ToString());
            var ids = page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
            seen.AddRange(ids);
            if (!page.GetProperty("has_more").GetBoolean())
            {
                break;
            }

            before = ids[^1];
        }

        Assert.That(expected, Has.Count.EqualTo(4));
        Assert.That(seen, Is.EqualTo(expected));
    }

    [TestCase("", "q")]
    [TestCase("%20%20%20", "q")]
    [TestCase("-friday", "q")]
    [TestCase("%22%24%22+%21%21", "q")]
    [TestCase("a+b+c+d+e+f+g+h+i+j+k", "q")]
    [TestCase("deploy&limit=0", "limit")]
    [TestCase("deploy&limit=101", "limit")]
    [TestCase("deploy&before=xyz", "before")]
    [TestCase("deploy&before=000000000000000000000000", "before")]
    public async Task Bad_input_is_a_problem_naming_the_parameter(string query, string field)
    {
        var (status, problem) = await GetAsync("/api/rooms/ops/search?q=" + query);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToString());
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task An_over_long_q_and_a_bad_room_are_refused()
    {
        var (longStatus, _) = await GetAsync("/api/rooms/ops/search?q=" + new string('x', 201));
        var (roomStatus, _) = await GetAsync("/api/rooms/bad%20room/search?q=deploy");

        Assert.That(longStatus, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(roomStatus, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Operator_looking_input_is_only_ever_text()
    {
        // A $-word is searched for as a word; it can neither widen the match nor reach the filter's structure.
        var (status, page) = await GetAsync("/api/rooms/ops/search?q=" + Uri.EscapeDataString("{\"$ne\": null} deploy"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), page.ToString());
        Assert.That(Contents(page), Is.Empty);
    }

    [Test]
    public async Task The_search_frame_answers_search_results_without_membership_and_refuses_bad_input()
    {
        await using var client = await _server.ConnectAsync("eve");
        await client.SendJsonAsync(new { type = "search", room_id = "ops", q = "friday lunch", limit = 5 });
        var results = await client.ReceiveTypeAsync("search_results", "ops");
        await client.SendJsonAsync(new { type = "search", room_id = "ops", q = "   " });
        var error = await client.ReceiveTypeAsync("error");
        await client.SendJsonAsync(new { type = "search", room_id = "ops", q = new { gt = "" } });
        var typed = await client.ReceiveTypeAsync("error");

        Assert.That(results.GetProperty("q").GetString(), Is.EqualTo("friday lunch"));
        Assert.That(results.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("content").GetString()), Is.EqualTo(new[] { "Friday lunch at the café" }));
        Assert.That(results.GetProperty("results")[0].GetProperty("score").GetDouble(), Is.GreaterThan(0));
        Assert.That(results.GetProperty("has_more").GetBoolean(), Is.False);
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("bad_request"));
        Assert.That(error.GetProperty("ref").GetString(), Is.EqualTo("search"));
        Assert.That(typed.GetProperty("message").GetString(), Is.EqualTo("q must be a string"));
    }

    [Test]
    public async Task A_message_sent_over_the_socket_is_found_once_stored()
    {
        await using var alice = await _server.ConnectAndJoinAsync("alice", "live");
        await alice.SendJsonAsync(new { type = "send", room_id = "live", content = "the zebra crossing is closed", client_msg_id = "z1" });
        await alice.ReceiveTypeAsync("ack", "live");

        var (_, page) = await GetAsync("/api/rooms/live/search?q=Zebra");

        Assert.That(Contents(page), Is.EqualTo(new[] { "the zebra crossing is closed" }));
        Assert.That(page.GetProperty("results")[0].GetProperty("client_msg_id").GetString(), Is.EqualTo("z1"));
    }

    [Test]
    public async Task Without_persistence_search_is_unavailable_not_empty()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Persistence:Enabled"] = "false" });
        using var http = server.CreateHttpClient();
        using var response = await http.GetAsync("/api/rooms/ops/search?q=deploy").WaitAsync(ChatServer.Deadline);
        await using var client = await server.ConnectAsync("eve");
        await client.SendJsonAsync(new { type = "search", room_id = "ops", q = "deploy" });
        var error = await client.ReceiveTypeAsync("error");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("persistence is off"));
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("unavailable"));
    }

    [Test]
    public async Task With_the_search_index_turned_off_no_text_index_is_made_and_search_says_it_is_off()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Persistence:SearchIndex"] = "false" });
        await using var alice = await server.ConnectAndJoinAsync("alice", "quiet");
        await alice.SendJsonAsync(new { type = "send", room_id = "quiet", content = "stored without a text index" });
        await alice.ReceiveTypeAsync("ack", "quiet");
        using var http = server.CreateHttpClient();
        using var response = await http.GetAsync("/api/rooms/quiet/search?q=stored").WaitAsync(ChatServer.Deadline);
        var indexes = await (await ChatSocket.Tests.Persistence.StoredMessages.Of(server).Indexes.ListAsync()).ToListAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Persistence:SearchIndex=false"));
        Assert.That(indexes.Select(i => i["name"].AsString), Has.No.Member("room_id_content_text").And.Member("room_id_desc"));
    }
}
