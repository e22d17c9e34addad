using System.Buffers;
using System.Text;
using ChatSocket.Connections;

namespace ChatSocket.Tests.Connections;

/// <summary>The head parser of the upgrade below HTTP: what it takes, and what it leaves to Kestrel's parser.</summary>
[TestFixture]
public sealed class UpgradeHeadTests
{
    private const string Good = "GET /ws?room=lobby&user=al%20ice&user=x HTTP/1.1\r\nHost: chat.example:8080\r\nConnection: keep-alive, Upgrade\r\n" +
        "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Two: a\r\nx-two:\tb \r\n\r\n";

    [TestCase("G")]
    [TestCase("GET /w")]
    [TestCase("GET /ws")]
    [TestCase("GET /ws HTTP/1.1\r\nHost: a\r\n")]
    public void A_beginning_that_can_still_be_an_upgrade_asks_for_more(string start) =>
        Assert.That(UpgradeHead.Scan(Bytes(start), out _), Is.EqualTo(HeadScan.NeedMore));

    [TestCase("POST /ws HTTP/1.1\r\n")]
    [TestCase("GET /wsx HTTP/1.1\r\n")]
    [TestCase("GET /health/live HTTP/1.1\r\n")]
    [TestCase("PRI * HTTP/2.0\r\n")]
    [TestCase("\u0016\u0003\u0001")]
    public void Anything_else_is_not_ours_from_its_first_bytes(string start) =>
        Assert.That(UpgradeHead.Scan(Bytes(start), out _), Is.EqualTo(HeadScan.NotOurs));

    [Test]
    public void A_complete_head_is_measured_to_its_blank_line_even_across_segments()
    {
        var bytes = Encoding.ASCII.GetBytes(Good + "\u0081\u0000");
        var first = new Segment(bytes.AsMemory(0, 10));
        var last = first.Append(bytes.AsMemory(10));

        var scan = UpgradeHead.Scan(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), out var length);

        Assert.That(scan, Is.EqualTo(HeadScan.Complete));
        Assert.That(length, Is.EqualTo(Good.Length));
    }

    [Test]
    public void A_head_without_its_end_within_8_KiB_is_not_ours()
    {
        var head = "GET /ws HTTP/1.1\r\nX-Padding: " + new string('p', UpgradeHead.MaxBytes);

        Assert.That(UpgradeHead.Scan(Bytes(head), out _), Is.EqualTo(HeadScan.NotOurs));
    }

    [Test]
    public void A_good_head_gives_the_request_as_Kestrel_would()
    {
        var request = UpgradeHead.TryParse(Encoding.ASCII.GetBytes(Good), "10.0.0.1");

        Assert.That(request, Is.Not.Null);
        Assert.That(request!.Method, Is.EqualTo("GET"));
        Assert.That(request.Host.Value, Is.EqualTo("chat.example:8080"));
        Assert.That(request.Scheme, Is.EqualTo("http"));
        Assert.That(request.IsUpgradable, Is.True);
        Assert.That(request.RemoteAddress, Is.EqualTo("10.0.0.1"));
        Assert.That(request.Query["room"].ToString(), Is.EqualTo("lobby"));
        Assert.That(request.Query["user"].ToArray(), Is.EqualTo(new[] { "al ice", "x" }));
        Assert.That(request.Headers["sec-websocket-key"].ToString(), Is.EqualTo("dGhlIHNhbXBsZSBub25jZQ=="));
        Assert.That(request.Headers["X-Two"].ToArray(), Is.EqualTo(new[] { "a", "b" }));
    }

    [TestCase("GET /ws HTTP/1.0", "", TestName = "HTTP/1.0 goes to Kestrel")]
    [TestCase("GET /ws/x HTTP/1.1", "", TestName = "Another path under /ws goes to Kestrel")]
    [TestCase("GET /ws?a=\u00e9 HTTP/1.1", "", TestName = "A target with non-ASCII bytes goes to Kestrel")]
    [TestCase(null, "X-Name: caf\u00e9\r\n", TestName = "A non-ASCII header value goes to Kestrel")]
    [TestCase(null, "X-Bad\u0001: v\r\n", TestName = "A control character in a header name goes to Kestrel")]
    [TestCase(null, "X-Name : v\r\n", TestName = "A space before the colon goes to Kestrel")]
    [TestCase(null, "X-Name: v\r\n folded\r\n", TestName = "A folded header line goes to Kestrel")]
    [TestCase(null, "Content-Length: 5\r\n", TestName = "A request with a body goes to Kestrel")]
    [TestCase(null, "Transfer-Encoding: chunked\r\n", TestName = "A chunked request goes to Kestrel")]
    [TestCase(null, "Host: second\r\n", TestName = "Two Host headers go to Kestrel")]
    [TestCase(null, "NoColon\r\n", TestName = "A header line without a colon goes to Kestrel")]
    public void A_head_Kestrel_must_judge_is_not_parsed(string? requestLine, string extraHeaders)
    {
        var head = $"{requestLine ?? "GET /ws HTTP/1.1"}\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n{extraHeaders}\r\n";

        Assert.That(UpgradeHead.TryParse(Encoding.Latin1.GetBytes(head), null), Is.Null);
    }

    [TestCase("Host: a\r\n", TestName = "A GET /ws without upgrade headers goes to Kestrel")]
    [TestCase("Connection: Upgrade\r\nUpgrade: websocket\r\n", TestName = "An upgrade without Host goes to Kestrel")]
    public void A_head_that_is_no_WebSocket_upgrade_is_not_parsed(string headers) =>
        Assert.That(UpgradeHead.TryParse(Encoding.ASCII.GetBytes($"GET /ws HTTP/1.1\r\n{headers}\r\n"), null), Is.Null);

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.Latin1.GetBytes(text));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
