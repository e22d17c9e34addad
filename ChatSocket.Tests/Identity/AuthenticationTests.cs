using System.Text.Json;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Identity;

/// <summary>Tokens on the WebSocket upgrade: who speaks, what is refused and how, expiry and refresh.</summary>
[TestFixture]
public sealed class AuthenticationTests
{
    [Test]
    public async Task A_valid_token_joins_and_speaks_under_its_own_name_whatever_user_says()
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings());
        await using var alice = await server.ConnectWithTokenAsync(TestTokens.For("alice"), user: "mallory", room: "lobby");

        var joined = await alice.ReceiveTypeAsync("joined", "lobby");
        await alice.SendJsonAsync(new { type = "send", room_id = "lobby", content = "hi" });
        var message = await alice.ReceiveTypeAsync("message", "lobby");

        Assert.Multiple(() =>
        {
            Assert.That(joined.GetProperty("users").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(new[] { "alice" }));
            Assert.That(message.GetProperty("sender").GetString(), Is.EqualTo("alice"));
        });
    }

    [Test]
    public async Task A_token_in_the_Authorization_header_is_taken_too()
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings());

        var (status, _) = await server.ProbeUpgradeAsync(bearer: TestTokens.For("bob"));

        Assert.That(status, Is.EqualTo(101));
    }

    [Test]
    public async Task Without_a_token_the_upgrade_is_refused_with_401_and_a_problem_saying_missing()
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings());

        var (status, body) = await server.ProbeUpgradeAsync();

        Assert.That(status, Is.EqualTo(401));
        Assert.That(TestTokens.ReasonOf(body), Is.EqualTo("missing"), body);
    }

    [TestCase("malformed", TestName = "A token that is not a JWT is refused as malformed")]
    [TestCase("bad_signature", TestName = "A token signed with another key is refused as bad_signature")]
    [TestCase("expired", TestName = "An expired token is refused as expired")]
    [TestCase("not_yet_valid", TestName = "A token before its nbf is refused as not_yet_valid")]
    [TestCase("no_expiry", TestName = "A token without exp is refused as no_expiry")]
    [TestCase("wrong_audience", TestName = "A token for another audience is refused as wrong_audience")]
    [TestCase("wrong_issuer", TestName = "A token of another issuer is refused as wrong_issuer")]
    [TestCase("invalid_claims", TestName = "A token whose rooms claim is not room ids is refused as invalid_claims")]
    public async Task A_bad_token_is_refused_with_401_and_the_reason(string reason)
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings(("Auth:Audience", "chat"), ("Auth:Issuer", "issuer")));
        var token = reason switch
        {
            "malformed" => "not-a-jwt",
            "bad_signature" => Good(d => d.SigningCredentials = OtherKey()),
            "expired" => Good(d => (d.NotBefore, d.Expires) = (DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1))),
            "not_yet_valid" => Good(d => (d.NotBefore, d.Expires) = (DateTime.UtcNow.AddHours(1), DateTime.UtcNow.AddHours(2))),
            "no_expiry" => Good(d => d.Expires = null),
            "wrong_audience" => Good(d => d.Audience = "other"),
            "wrong_issuer" => Good(d => d.Issuer = "other"),
            _ => Good(d => d.Claims["rooms"] = new[] { "lobby", "no spaces allowed!" }),
        };

        var (status, body) = await server.ProbeUpgradeAsync(accessToken: token);

        Assert.That(status, Is.EqualTo(401));
        Assert.That(TestTokens.ReasonOf(body), Is.EqualTo(reason), body);
    }

    [Test]
    public async Task A_token_that_expires_during_a_connection_closes_it_with_1008()
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings());
        await using var alice = await server.ConnectWithTokenAsync(TestTokens.For("alice", lifetime: TimeSpan.FromSeconds(2)), room: "lobby");
        await alice.ReceiveTypeAsync("joined", "lobby");

        // Silent after the join: only the server's own check can close it.
        var status = await alice.WaitForCloseAsync();

        Assert.That((int?)status, Is.EqualTo(1008));
        Assert.That(alice.CloseDescription, Is.EqualTo("token expired"));
    }

    [Test]
    public async Task A_refresh_before_expiry_keeps_the_connection_past_the_first_tokens_expiry()
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings());
        var lifetime = TimeSpan.FromSeconds(2);
        await using var kept = await server.ConnectWithTokenAsync(TestTokens.For("alice", lifetime: lifetime));
        await using var dropped = await server.ConnectWithTokenAsync(TestTokens.For("bob", lifetime: lifetime));

        await kept.SendJsonAsync(new { type = "refresh", token = TestTokens.For("alice") });
        var refreshed = await kept.ReceiveTypeAsync("refreshed");
        // The other connection, whose token ran out no later than the first one, closing shows that the first
        // token's time is over; a frame handled after that is handled under the refreshed token.
        Assert.That((int?)await dropped.WaitForCloseAsync(), Is.EqualTo(1008));
        await kept.SendJsonAsync(new { type = "ping" });
        var pong = await kept.ReceiveTypeAsync("pong");

        var expiresAt = DateTimeOffset.Parse(refreshed.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(expiresAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(50)));
        Assert.That(pong.GetProperty("type").GetString(), Is.EqualTo("pong"));
    }

    [Test]
    public async Task A_refresh_for_another_user_is_forbidden_and_an_invalid_one_unauthorized_and_the_connection_stays()
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings());
        await using var alice = await server.ConnectWithTokenAsync(TestTokens.For("alice"), room: "lobby");
        await alice.ReceiveTypeAsync("joined", "lobby");

        await alice.SendJsonAsync(new { type = "refresh", token = TestTokens.For("bob") });
        var forbidden = await alice.ReceiveTypeAsync("error");
        await alice.SendJsonAsync(new { type = "refresh", token = TestTokens.For("alice", key: new string('k', 40)) });
        var unauthorized = await alice.ReceiveTypeAsync("error");
        await alice.SendJsonAsync(new { type = "send", room_id = "lobby", content = "still here" });
        var message = await alice.ReceiveTypeAsync("message", "lobby");

        Assert.Multiple(() =>
        {
            Assert.That(forbidden.GetProperty("code").GetString(), Is.EqualTo("forbidden"));
            Assert.That(forbidden.GetProperty("ref").GetString(), Is.EqualTo("refresh"));
            Assert.That(unauthorized.GetProperty("code").GetString(), Is.EqualTo("unauthorized"));
            Assert.That(unauthorized.GetProperty("message").GetString(), Does.Contain("bad_signature"));
            Assert.That(message.GetProperty("sender").GetString(), Is.EqualTo("alice"));
        });
    }

    [Test]
    public async Task A_refresh_whose_rooms_claim_no_longer_grants_a_joined_room_leaves_it()
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings());
        await using var alice = await server.ConnectWithTokenAsync(TestTokens.For("alice", rooms: new[] { "lobby", "team-a" }));
        await alice.SendJsonAsync(new { type = "join", room_id = "lobby" });
        await alice.ReceiveTypeAsync("joined", "lobby");
        await alice.SendJsonAsync(new { type = "join", room_id = "team-a" });
        await alice.ReceiveTypeAsync("joined", "team-a");

        await alice.SendJsonAsync(new { type = "refresh", token = TestTokens.For("alice", rooms: "lobby") });
        var left = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "left" or "refreshed");

        Assert.That(left.GetProperty("type").GetString(), Is.EqualTo("left"));
        Assert.That(left.GetProperty("room_id").GetString(), Is.EqualTo("team-a"));
        await alice.ReceiveTypeAsync("refreshed");
    }

    [Test]
    public async Task Over_the_per_user_limit_the_upgrade_gets_429_while_other_users_still_connect()
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings(("Auth:MaxConnectionsPerUser", "1")));
        var first = await server.ConnectWithTokenAsync(TestTokens.For("alice"));

        var (refused, body) = await server.ProbeUpgradeAsync(accessToken: TestTokens.For("alice"));
        var (other, _) = await server.ProbeUpgradeAsync(accessToken: TestTokens.For("bob"));
        await first.DisposeAsync();
        var (admitted, _) = await Eventually.ReturnsAsync(
            () => server.ProbeUpgradeAsync(accessToken: TestTokens.For("alice")), r => r.Status == 101, "a slot freed by the user's closed connection");

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.EqualTo(429));
            Assert.That(TestTokens.ReasonOf(body), Is.EqualTo("user_connection_limit"), body);
            Assert.That(other, Is.EqualTo(101));
            Assert.That(admitted, Is.EqualTo(101));
        });
    }

    [Test]
    public async Task Auth_check_answers_the_user_for_a_good_token_and_a_401_problem_for_a_bad_one()
    {
        await using var server = await ChatServer.StartAsync(TestTokens.Settings());
        using var http = server.CreateHttpClient();

        using var good = new HttpRequestMessage(HttpMethod.Get, "/api/auth/check");
        good.Headers.Authorization = new("Bearer", TestTokens.For("alice"));
        using var goodResponse = await http.SendAsync(good).WaitAsync(ChatServer.Deadline);
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/api/auth/check");
        bad.Headers.Authorization = new("Bearer", TestTokens.For("alice", lifetime: TimeSpan.FromSeconds(-30), change: d => d.NotBefore = DateTime.UtcNow.AddHours(-1)));
        using var badResponse = await http.SendAsync(bad).WaitAsync(ChatServer.Deadline);

        var identity = JsonDocument.Parse(await goodResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(async () =>
        {
            Assert.That((int)goodResponse.StatusCode, Is.EqualTo(200));
            Assert.That(identity.GetProperty("user").GetString(), Is.EqualTo("alice"));
            Assert.That((int)badResponse.StatusCode, Is.EqualTo(401));
            Assert.That(badResponse.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(TestTokens.ReasonOf(await badResponse.Content.ReadAsStringAsync()), Is.EqualTo("expired"));
            Assert.That(badResponse.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        });
    }

    [Test]
    public async Task Without_auth_settings_the_server_is_anonymous_as_before()
    {
        await using var server = await ChatServer.StartAsync();
        await using var guest = await server.ConnectAndJoinAsync("anyone", "lobby");

        var check = await server.GetJsonAsync("/api/auth/check");

        Assert.That(check.GetProperty("auth_enabled").GetBoolean(), Is.False);
    }

    private static string Good(Action<Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor> change) =>
        TestTokens.For("alice", change: d =>
        {
            d.Audience = "chat";
            d.Issuer = "issuer";
            change(d);
        });

    private static Microsoft.IdentityModel.Tokens.SigningCredentials OtherKey() =>
        new(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(new byte[32]), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256);
}
