using System.Text;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.WebSockets;

/// <summary>The server's RFC 6455 codec, driven with hand-made frames over raw TCP.</summary>
[TestFixture]
public sealed class WebSocketReaderTests
{
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await ChatServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task The_handshake_answers_101_and_a_join_gets_unmasked_frames()
    {
        var (client, status) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUriFor("raw"));
        await using var _ = client;
        Assert.That(status, Is.EqualTo(101));

        await client.SendTextAsync("""{"type":"join","room_id":"raw"}"""u8);

        Assert.That(await client.ReceiveTextAsync(), Does.Contain("\"joined\""));
    }

    [Test]
    public async Task A_message_over_the_size_limit_closes_with_1009()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;

        await client.SendTextAsync(Encoding.UTF8.GetBytes(new string('x', 16 * 1024 + 1)));

        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1009));
    }

    [Test]
    public async Task Fragments_adding_up_over_the_size_limit_close_with_1009()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;
        var half = Encoding.UTF8.GetBytes(new string('x', 9 * 1024));

        await client.SendFrameAsync(0x01, half);
        await client.SendFrameAsync(0x80, half);

        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1009));
    }

    [TestCase(16 * 1024 + 1, TestName = "After a 1009 close the server hangs up as soon as the client answers the close")]
    [TestCase(1, TestName = "After a 1002 close the server hangs up as soon as the client answers the close")]
    public async Task After_a_violation_the_server_hangs_up_once_the_client_answers_the_close(int size)
    {
        // A close timeout far beyond the deadline: only the client's close can end the connection in time.
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:CloseTimeout"] = "00:05:00" });
        var (client, _) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri);
        await using var __ = client;

        await client.SendFrameAsync(0x81, Encoding.UTF8.GetBytes(new string('x', size)), mask: size > 1);
        await client.ReceiveCloseCodeAsync();
        await client.SendFrameAsync(0x88, [0x03, 0xE8]);

        Assert.That(await client.ReadToEndAsync(), Is.Zero, "the server closed the TCP connection");
    }

    [Test]
    public async Task A_binary_frame_closes_with_1003()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;

        await client.SendFrameAsync(0x82, [1, 2, 3]);

        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1003));
    }

    [Test]
    public async Task Invalid_utf8_closes_with_1007()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;

        await client.SendTextAsync([0x68, 0x69, 0xC3, 0x28]);

        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1007));
    }

    [Test]
    public async Task Invalid_utf8_split_across_fragments_closes_with_1007()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;

        await client.SendFrameAsync(0x01, [0x68, 0xF0, 0x9F]);
        await client.SendFrameAsync(0x80, [0x41]);

        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1007));
    }

    [Test]
    public async Task An_unmasked_client_frame_closes_with_1002()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;

        await client.SendFrameAsync(0x81, "hi"u8, mask: false);

        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1002));
    }

    [Test]
    public async Task A_continuation_without_a_message_closes_with_1002()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;

        await client.SendFrameAsync(0x80, "hi"u8);

        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1002));
    }

    [Test]
    public async Task Reserved_bits_close_with_1002()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;

        await client.SendFrameAsync(0xC1, "hi"u8);

        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1002));
    }

    [Test]
    public async Task A_fragmented_message_with_a_ping_in_between_is_reassembled()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;

        await client.SendFrameAsync(0x01, """{"type":"jo"""u8);
        await client.SendFrameAsync(0x89, "are you there"u8);
        await client.SendFrameAsync(0x00, """in","room_id":"frag"""u8);
        await client.SendFrameAsync(0x80, "\"}"u8);

        var (opcode, payload) = await client.ReceiveFrameAsync();
        Assert.That(opcode, Is.EqualTo(0xA), "the ping is answered first");
        Assert.That(Encoding.UTF8.GetString(payload), Is.EqualTo("are you there"), "with its payload");
        Assert.That(await client.ReceiveTextAsync(), Does.Contain("\"joined\""));
    }

    [Test]
    public async Task A_message_split_into_many_tcp_writes_is_read_whole()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;
        var content = new string('é', 3000);

        await client.SendTextAsync(Encoding.UTF8.GetBytes($$"""{"type":"join","room_id":"big","history":0}"""));
        await client.ReceiveTextAsync();
        await client.ReceiveTextAsync();
        await client.SendTextAsync(Encoding.UTF8.GetBytes($$"""{"type":"send","room_id":"big","content":"{{content}}"}"""));

        Assert.That(await client.ReceiveTextAsync(), Does.Contain(content));
    }

    [Test]
    public async Task A_close_frame_is_echoed_with_its_code()
    {
        var (client, _) = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var __ = client;

        await client.SendFrameAsync(0x88, [0x0F, 0xA0]);

        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(4000));
    }

    [Test]
    public async Task A_version_other_than_13_is_refused_with_426()
    {
        using var http = _server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws");
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "8");
        request.Headers.Add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");

        using var response = await http.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(426));
    }

    [Test]
    public async Task A_plain_get_of_the_endpoint_is_a_bad_request()
    {
        using var http = _server.CreateHttpClient();

        using var response = await http.GetAsync("/ws");

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
    }
}
