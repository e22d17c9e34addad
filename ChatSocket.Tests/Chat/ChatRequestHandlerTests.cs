using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Chat;

/// <summary>Every bad input gets its documented error frame, and the connection still works afterwards.</summary>
[TestFixture]
public sealed class ChatRequestHandlerTests
{
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Chat:MaxRoomsPerConnection"] = "3",
        ["Chat:MaxContentLength"] = "100",
    });

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [TestCase("{\"type\":\"send\",", "bad_request", null, TestName = "Malformed JSON is a bad_request")]
    [TestCase("{\"type\":\"send\"} {}", "bad_request", null, TestName = "A second JSON value after the object is a bad_request")]
    [TestCase("{\"type\":\"dance\"}", "bad_request", "dance", TestName = "An unknown type is a bad_request")]
    [TestCase("{\"room_id\":\"lobby\"}", "bad_request", null, TestName = "A missing type is a bad_request")]
    [TestCase("{\"type\":42}", "bad_request", null, TestName = "A number as type is a bad_request")]
    [TestCase("{\"type\":\"join\"}", "bad_request", "join", TestName = "A join without room_id is a bad_request")]
    [TestCase("{\"type\":\"join\",\"room_id\":{\"$gt\":\"\"}}", "bad_request", "join", TestName = "An object where room_id is expected is a bad_request, never a query")]
    [TestCase("{\"type\":\"join\",\"room_id\":\"has space\"}", "bad_request", "join", TestName = "A room_id with a space is a bad_request")]
    [TestCase("{\"type\":\"join\",\"room_id\":\"\"}", "bad_request", "join", TestName = "An empty room_id is a bad_request")]
    [TestCase("{\"type\":\"join\",\"room_id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", "bad_request", "join", TestName = "A room_id of 65 characters is a bad_request")]
    [TestCase("{\"type\":\"join\",\"room_id\":\"ok\",\"history\":\"ten\"}", "bad_request", "join", TestName = "A string where history is expected is a bad_request")]
    [TestCase("{\"type\":\"join\",\"room_id\":\"ok\",\"history\":-1}", "bad_request", "join", TestName = "A negative history is a bad_request")]
    [TestCase("{\"type\":\"send\",\"room_id\":\"lobby\"}", "bad_request", "send", TestName = "A send without content is a bad_request")]
    [TestCase("{\"type\":\"send\",\"room_id\":\"lobby\",\"content\":\"\",\"client_msg_id\":\"m1\"}", "bad_request", "m1", TestName = "Empty content is a bad_request referring to the client_msg_id")]
    [TestCase("{\"type\":\"send\",\"room_id\":\"lobby\",\"content\":[\"hi\"]}", "bad_request", "send", TestName = "An array as content is a bad_request")]
    [TestCase("{\"type\":\"send\",\"room_id\":\"lobby\",\"content\":\"hi\",\"client_msg_id\":7}", "bad_request", "send", TestName = "A number as client_msg_id is a bad_request")]
    [TestCase("{\"type\":\"send\",\"room_id\":\"not-joined\",\"content\":\"hi\",\"client_msg_id\":\"m2\"}", "not_in_room", "m2", TestName = "A send to a room not joined is not_in_room")]
    [TestCase("{\"type\":\"leave\",\"room_id\":\"not-joined\"}", "not_in_room", "leave", TestName = "A leave of a room not joined is not_in_room")]
    [TestCase("{\"type\":\"history\",\"room_id\":\"lobby\",\"before\":\"nope\"}", "bad_request", "history", TestName = "A before that is not an id is a bad_request")]
    [TestCase("{\"type\":\"history\",\"room_id\":\"lobby\",\"limit\":0}", "bad_request", "history", TestName = "A zero limit is a bad_request")]
    [TestCase("{\"type\":\"send\",\"room_id\":\"lobby\",\"content\":\"\\ud800\"}", "bad_request", "send", TestName = "A lone surrogate escape in a string is a bad_request")]
    public async Task Bad_input_gets_an_error_frame_and_the_connection_stays_usable(string frame, string code, string? reference)
    {
        await using var client = await _server.ConnectAsync("tester");

        await client.SendTextAsync(frame);
        var error = await client.ReceiveTypeAsync("error");

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code));
        Assert.That(error.GetProperty("message").GetString(), Is.Not.Empty);
        Assert.That(error.TryGetProperty("ref", out var r) ? r.GetString() : null, Is.EqualTo(reference));
        await AssertStillUsableAsync(client);
    }

    [Test]
    public async Task Content_over_the_limit_is_a_bad_request()
    {
        await using var client = await _server.ConnectAndJoinAsync("tester", "long");

        await client.SendJsonAsync(new { type = "send", room_id = "long", content = new string('x', 101), client_msg_id = "too-long" });
        var error = await client.ReceiveTypeAsync("error");

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("bad_request"));
        Assert.That(error.GetProperty("ref").GetString(), Is.EqualTo("too-long"));
        await AssertStillUsableAsync(client);
    }

    [Test]
    public async Task Plain_text_outside_any_room_is_not_in_room()
    {
        await using var client = await _server.ConnectAsync("tester");

        await client.SendTextAsync("hello?");
        var error = await client.ReceiveTypeAsync("error");

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("not_in_room"));
        await AssertStillUsableAsync(client);
    }

    [Test]
    public async Task Joining_more_rooms_than_allowed_is_too_many_rooms()
    {
        await using var client = await _server.ConnectAsync("tester");
        foreach (var room in new[] { "r1", "r2", "r3" })
        {
            await client.SendJsonAsync(new { type = "join", room_id = room });
            await client.ReceiveTypeAsync("history", room);
        }

        await client.SendJsonAsync(new { type = "join", room_id = "r4" });
        var error = await client.ReceiveTypeAsync("error");

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("too_many_rooms"));
        await client.SendJsonAsync(new { type = "send", room_id = "r3", content = "still here" });
        Assert.That((await client.ReceiveTypeAsync("message", "r3")).GetProperty("content").GetString(), Is.EqualTo("still here"));
    }

    [TestCase("a-name-that-is-much-longer-than-32-characters", TestName = "A user name over 32 characters is a bad_request and the connection goes on as a guest")]
    [TestCase("bell\u0007", TestName = "A user name with a control character is a bad_request and the connection goes on as a guest")]
    public async Task A_bad_user_name_is_refused_with_an_error_frame(string user)
    {
        await using var client = await _server.ConnectAsync(user, room: "names");

        var error = await client.ReceiveTypeAsync("error");
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("bad_request"));
        Assert.That(error.GetProperty("ref").GetString(), Is.EqualTo("user"));

        await client.ReceiveTypeAsync("history", "names");
        await client.SendJsonAsync(new { type = "send", room_id = "names", content = "who am i" });
        var message = await client.ReceiveTypeAsync("message", "names");
        Assert.That(message.GetProperty("sender").GetString(), Does.StartWith("guest-"));
    }

    [Test]
    public async Task The_sender_is_the_connections_user_never_a_field_of_the_frame()
    {
        await using var client = await _server.ConnectAndJoinAsync("alice", "spoof");

        await client.SendTextAsync("""{"type":"send","room_id":"spoof","content":"hi","sender":"mallory"}""");
        var message = await client.ReceiveTypeAsync("message", "spoof");

        Assert.That(message.GetProperty("sender").GetString(), Is.EqualTo("alice"));
    }

    [Test]
    public async Task A_ping_request_gets_a_pong()
    {
        await using var client = await _server.ConnectAsync("tester");

        await client.SendJsonAsync(new { type = "ping" });

        Assert.That((await client.ReceiveTypeAsync("pong")).GetProperty("type").GetString(), Is.EqualTo("pong"));
    }

    private static async Task AssertStillUsableAsync(ChatClient client)
    {
        await client.SendJsonAsync(new { type = "ping" });
        var next = await client.ReceiveAsync(f => f.GetProperty("type").GetString() != "error");
        Assert.That(next.GetProperty("type").GetString(), Is.EqualTo("pong"), "the connection still answers");
    }
}
