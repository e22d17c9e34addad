using System.Net;
using System.Net.Http.Headers;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Search;

/// <summary>With authentication on, search and statistics follow the room rule of history (Identity.RoomAccess).</summary>
[TestFixture]
public sealed class SearchAccessTests
{
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await ChatServer.StartAsync(TestTokens.Settings());
        await ServerDatabase.WaitForIndexesAsync(_server);
        var now = DateTime.UtcNow.AddMinutes(-5);
        await ServerDatabase.InsertAsync(_server, [("lobby", "ann", "deploy friday", now), ("secret", "bob", "deploy friday", now)]);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    private async Task<HttpStatusCode> GetAsync(string path, string? token)
    {
        using var http = _server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request).WaitAsync(ChatServer.Deadline);
        return response.StatusCode;
    }

    [Test]
    public async Task Rest_search_and_room_statistics_need_a_token_that_grants_the_room()
    {
        var alice = TestTokens.For("alice", rooms: "lobby");

        var answers = new[]
        {
            await GetAsync("/api/rooms/lobby/search?q=deploy", null),
            await GetAsync("/api/rooms/secret/search?q=deploy", alice),
            await GetAsync("/api/rooms/lobby/search?q=deploy", alice),
            await GetAsync("/api/rooms/secret/stats", alice),
            await GetAsync("/api/rooms/lobby/stats", alice),
            await GetAsync("/api/stats", null),
        };

        Assert.That(answers, Is.EqualTo(new[]
        {
            HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.OK,
            HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.Unauthorized,
        }));
    }

    [Test]
    public async Task The_top_rooms_list_only_rooms_the_token_grants()
    {
        using var http = _server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For("alice", rooms: "lobby"));
        using var response = await http.SendAsync(request).WaitAsync(ChatServer.Deadline);
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(body, Does.Contain("\"lobby\"").And.Not.Contain("secret"));
    }

    [Test]
    public async Task The_search_frame_of_a_room_the_token_does_not_grant_is_forbidden()
    {
        await using var alice = await _server.ConnectWithTokenAsync(TestTokens.For("alice", rooms: "lobby"));

        await alice.SendJsonAsync(new { type = "search", room_id = "secret", q = "deploy" });
        var refused = await alice.ReceiveTypeAsync("error");
        await alice.SendJsonAsync(new { type = "search", room_id = "lobby", q = "deploy" });
        var results = await alice.ReceiveTypeAsync("search_results", "lobby");

        Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("forbidden"));
        Assert.That(refused.GetProperty("ref").GetString(), Is.EqualTo("search"));
        Assert.That(results.GetProperty("results").GetArrayLength(), Is.EqualTo(1));
    }
}
