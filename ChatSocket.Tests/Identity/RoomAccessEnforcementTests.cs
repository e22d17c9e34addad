using System.Net;
using System.Text.Json;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Identity;

/// <summary>The rooms claim and the dm: rule on the WebSocket (join, history) and on the REST API.</summary>
[TestFixture]
public sealed class RoomAccessEnforcementTests
{
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await ChatServer.StartAsync(TestTokens.Settings());

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    [Test]
    public async Task A_join_outside_the_rooms_claim_is_forbidden_and_one_inside_it_works()
    {
        await using var alice = await _server.ConnectWithTokenAsync(TestTokens.For("alice", rooms: new[] { "lobby", "team-*" }));

        await alice.SendJsonAsync(new { type = "join", room_id = "secret" });
        var refused = await alice.ReceiveTypeAsync("error");
        await alice.SendJsonAsync(new { type = "join", room_id = "team-red" });
        var joined = await alice.ReceiveTypeAsync("joined", "team-red");
        await alice.SendJsonAsync(new { type = "history", room_id = "secret" });
        var historyRefused = await alice.ReceiveTypeAsync("error");

        Assert.Multiple(() =>
        {
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("forbidden"));
            Assert.That(refused.GetProperty("ref").GetString(), Is.EqualTo("join"));
            Assert.That(joined.GetProperty("room_id").GetString(), Is.EqualTo("team-red"));
            Assert.That(historyRefused.GetProperty("code").GetString(), Is.EqualTo("forbidden"));
            Assert.That(historyRefused.GetProperty("ref").GetString(), Is.EqualTo("history"));
        });
    }

    [Test]
    public async Task The_room_query_parameter_of_the_upgrade_obeys_the_rooms_claim_too()
    {
        await using var alice = await _server.ConnectWithTokenAsync(TestTokens.For("alice", rooms: "lobby"), room: "secret");

        var refused = await alice.ReceiveTypeAsync("error");

        Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("forbidden"));
    }

    [Test]
    public async Task A_direct_message_room_admits_its_two_users_and_no_one_else()
    {
        await using var alice = await _server.ConnectWithTokenAsync(TestTokens.For("alice", rooms: "lobby"));
        await using var carol = await _server.ConnectWithTokenAsync(TestTokens.For("carol"));

        await alice.SendJsonAsync(new { type = "join", room_id = "dm:alice:bob" });
        var joined = await alice.ReceiveTypeAsync("joined", "dm:alice:bob");
        await carol.SendJsonAsync(new { type = "join", room_id = "dm:alice:bob" });
        var refused = await carol.ReceiveTypeAsync("error");

        Assert.Multiple(() =>
        {
            Assert.That(joined.GetProperty("room_id").GetString(), Is.EqualTo("dm:alice:bob"));
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("forbidden"));
        });
    }

    [Test]
    public async Task Rest_history_needs_a_token_that_grants_the_room()
    {
        var room = "team-" + Guid.NewGuid().ToString("N")[..8];
        var missing = await GetAsync($"/api/rooms/{room}/messages", token: null);
        var outside = await GetAsync($"/api/rooms/{room}/messages", TestTokens.For("alice", rooms: "lobby"));
        var inside = await GetAsync($"/api/rooms/{room}/messages", TestTokens.For("alice", rooms: "team-*"));
        var viaQuery = await GetAsync($"/api/rooms/{room}/messages?access_token={TestTokens.For("alice", rooms: "team-*")}", token: null);
        var otherDm = await GetAsync("/api/rooms/dm:alice:bob/messages", TestTokens.For("carol"));
        var ownDm = await GetAsync("/api/rooms/dm:alice:bob/messages", TestTokens.For("bob", rooms: "lobby"));

        Assert.Multiple(() =>
        {
            Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(TestTokens.ReasonOf(missing.Body), Is.EqualTo("missing"));
            Assert.That(outside.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(TestTokens.ReasonOf(outside.Body), Is.EqualTo("forbidden"));
            Assert.That(inside.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(viaQuery.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(otherDm.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(ownDm.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task The_room_list_needs_a_token_and_hides_rooms_it_does_not_grant()
    {
        await using var alice = await _server.ConnectWithTokenAsync(TestTokens.For("alice"));
        await alice.SendJsonAsync(new { type = "join", room_id = "dm:alice:bob" });
        await alice.ReceiveTypeAsync("joined", "dm:alice:bob");
        await alice.SendJsonAsync(new { type = "join", room_id = "lobby" });
        await alice.ReceiveTypeAsync("joined", "lobby");

        var anonymous = await GetAsync("/api/rooms", token: null);
        var carol = await GetAsync("/api/rooms", TestTokens.For("carol"));
        var bob = await GetAsync("/api/rooms", TestTokens.For("bob"));

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(RoomIds(carol.Body), Does.Contain("lobby").And.Not.Contain("dm:alice:bob"));
            Assert.That(RoomIds(bob.Body), Does.Contain("lobby").And.Contain("dm:alice:bob"));
        });
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, string? token)
    {
        using var http = _server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await http.SendAsync(request).WaitAsync(ChatServer.Deadline);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string?[] RoomIds(string list) =>
        [.. JsonDocument.Parse(list).RootElement.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("room_id").GetString())];
}
