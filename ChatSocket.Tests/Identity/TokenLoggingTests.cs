using ChatSocket.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ChatSocket.Tests.Identity;

/// <summary>No token ever reaches a log line, at any level, in any category (Kestrel's and the host's too).</summary>
[TestFixture]
public sealed class TokenLoggingTests
{
    [Test]
    public async Task A_whole_authenticated_session_logged_at_Trace_contains_no_token()
    {
        var logs = new CapturingLoggerProvider();
        var settings = TestTokens.Settings(
            ("Logging:LogLevel:Default", "Trace"),
            ("Logging:LogLevel:Microsoft", "Trace"),
            ("Logging:LogLevel:Microsoft.AspNetCore", "Trace"),
            ("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Trace"),
            ("Auth:MaxConnectionsPerUser", "2"));
        var tokens = new List<string>
        {
            TestTokens.For("alice", rooms: "lobby"),
            TestTokens.For("alice", rooms: "lobby"),
            TestTokens.For("alice", key: new string('x', 40)),
            TestTokens.For("carol"),
        };

        await using (var server = await ChatServer.StartAsync(settings, builder => builder.Logging.AddProvider(logs)))
        {
            // Query token: connect, join, speak, refresh, be refused a room, read history over REST.
            await using (var alice = await server.ConnectWithTokenAsync(tokens[0], room: "lobby"))
            {
                await alice.ReceiveTypeAsync("joined", "lobby");
                await alice.SendJsonAsync(new { type = "send", room_id = "lobby", content = "hello" });
                await alice.ReceiveTypeAsync("ack", "lobby");
                await alice.SendJsonAsync(new { type = "refresh", token = tokens[1] });
                await alice.ReceiveTypeAsync("refreshed");
                await alice.SendJsonAsync(new { type = "refresh", token = tokens[2] });
                await alice.ReceiveTypeAsync("error");
                await alice.SendJsonAsync(new { type = "join", room_id = "secret" });
                await alice.ReceiveTypeAsync("error");
            }

            // A header token that expires on the connection, a refused upgrade, REST with both ways.
            tokens.Add(TestTokens.For("bob", lifetime: TimeSpan.FromSeconds(2)));
            await using (var bob = await ChatClient.ConnectAsync(server.WebSocketUriFor(room: "lobby"), new ChatClientOptions { BearerToken = tokens[^1] }))
            {
                await bob.WaitForCloseAsync();
            }

            await server.ProbeUpgradeAsync(accessToken: tokens[2]);
            using var http = server.CreateHttpClient();
            await http.GetAsync($"/api/rooms/lobby/messages?access_token={tokens[3]}").WaitAsync(ChatServer.Deadline);
            await http.GetAsync($"/api/auth/check?access_token={tokens[2]}").WaitAsync(ChatServer.Deadline);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/rooms");
            request.Headers.Authorization = new("Bearer", tokens[3]);
            await http.SendAsync(request).WaitAsync(ChatServer.Deadline);
        }

        var entries = logs.Entries.ToArray();
        // Each token's signature is the secret part; its header and claims are the same in several tokens.
        var leaks = entries.Where(entry => tokens.Any(token => entry.Contains(token.Split('.')[2], StringComparison.Ordinal))).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(entries, Has.Some.Contains("Microsoft.AspNetCore"), "the capture saw the framework's own logs");
            Assert.That(entries, Has.Some.Contains("token expired"), "the capture saw the session's own logs");
            Assert.That(leaks, Is.Empty, "log entries with a token in them");
        });
    }
}
