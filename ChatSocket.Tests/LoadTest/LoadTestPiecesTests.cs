using ChatSocket.LoadTest.Client;
using ChatSocket.LoadTest.Metrics;
using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Protocol;

namespace ChatSocket.Tests.LoadTest;

/// <summary>The load tool's small parts: marker, masking, frame headers, sequence tracking, argument parsing.</summary>
[TestFixture]
public sealed class LoadTestPiecesTests
{
    [Test]
    public void A_marker_is_found_again_inside_a_chatsocket_message()
    {
        var composer = new MessageComposer(WireProtocol.ChatSocket, "room-1", 100);
        var json = composer.Compose(0x12345, 77, 0x0123456789ABCDEF).ToArray();

        var found = PayloadMarker.TryFind(json, out var sender, out var sequence, out var ticks);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(sender, Is.EqualTo(0x12345));
            Assert.That(sequence, Is.EqualTo(77u));
            Assert.That(ticks, Is.EqualTo(0x0123456789ABCDEF));
            Assert.That(ServerFrames.TypeOf(json).ToArray(), Is.EqualTo("send"u8.ToArray()));
        });
    }

    [Test]
    public void An_ack_yields_the_marker_of_the_message_it_acknowledges()
    {
        var id = new byte[PayloadMarker.CoreLength];
        PayloadMarker.WriteCore(id, 9, 3, 12345);
        var ack = System.Text.Encoding.ASCII.GetBytes($"{{\"type\":\"ack\",\"room_id\":\"r\",\"id\":\"0123456789abcdef01234567\",\"client_msg_id\":\"{System.Text.Encoding.ASCII.GetString(id)}\"}}");

        Assert.That(ServerFrames.Classify(ack, WireProtocol.ChatSocket), Is.EqualTo(ServerFrameKind.Ack));
        Assert.That(ServerFrames.TryReadAck(ack, out var sender, out var sequence, out var ticks), Is.True);
        Assert.That((sender, sequence, ticks), Is.EqualTo((9, 3u, 12345L)));
    }

    [TestCase(5)]
    [TestCase(125)]
    [TestCase(126)]
    [TestCase(70_000)]
    public void A_masked_frame_reads_back_to_its_payload(int length)
    {
        var payload = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        var frame = new byte[FrameEncoder.FrameLength(length)];

        var written = FrameEncoder.Write(frame, WebSocketOpcode.Text, payload, 0xA1B2C3D4);

        Assert.That(FrameHeader.TryRead(frame, out var header), Is.True);
        Assert.That(written, Is.EqualTo(header.HeaderLength + length));
        Assert.That(header.Masked && header.Final && header.Opcode == WebSocketOpcode.Text, Is.True);
        var body = frame.AsSpan(header.HeaderLength, length).ToArray();
        var key = frame.AsSpan(header.HeaderLength - 4, 4).ToArray();
        for (var i = 0; i < body.Length; i++)
        {
            body[i] ^= key[i & 3];
        }

        Assert.That(body, Is.EqualTo(payload));
    }

    [Test]
    public void A_sender_stream_counts_duplicates_and_late_arrivals_apart()
    {
        var stream = new SenderStream();
        foreach (var sequence in new uint[] { 0, 1, 3, 2, 3, 200 })
        {
            stream.Observe(sequence);
        }

        Assert.That((stream.Received, stream.Duplicates, stream.OutOfOrder), Is.EqualTo((5L, 1L, 1L)));
    }

    [Test]
    public void Arguments_are_read_with_units_ranges_and_suffixes()
    {
        var options = LoadOptionsParser.Parse(
            ["--url", "ws://127.0.0.1:5103/ws", "--protocol", "raw", "--mode=max-rate", "--rate", "0.8k", "--duration", "500ms",
             "--warmup", "2m", "--source-ips", "127.0.0.1-127.0.0.8", "--quiet"],
            out var error);

        Assert.That(error, Is.Null);
        Assert.Multiple(() =>
        {
            Assert.That(options!.Protocol, Is.EqualTo(WireProtocol.Raw));
            Assert.That(options.Mode, Is.EqualTo(LoadMode.MaxRate));
            Assert.That(options.Rate, Is.EqualTo(800));
            Assert.That(options.Duration, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(options.Warmup, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(options.SourceAddresses, Has.Count.EqualTo(8));
            Assert.That(options.Progress, Is.False);
        });
    }

    [Test]
    public void A_non_loopback_url_is_refused_with_a_reason()
    {
        var options = LoadOptionsParser.Parse(["--url", "ws://example.com/ws"], out var error);

        Assert.That(options, Is.Null);
        Assert.That(error, Does.Contain("loopback"));
    }
}
