using ChatSocket.WebSockets;

namespace ChatSocket.Tests.WebSockets;

[TestFixture]
public sealed class WebSocketHandshakeTests
{
    [Test]
    public void The_accept_value_matches_the_example_of_RFC_6455() =>
        Assert.That(WebSocketHandshake.ComputeAccept("dGhlIHNhbXBsZSBub25jZQ=="), Is.EqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));

    [Test]
    public void A_close_frame_reason_is_cut_to_fit_125_bytes_on_a_character_boundary()
    {
        var frame = WebSocketFrameEncoder.Close(WebSocketCloseCodes.GoingAway, new string('é', 200));

        Assert.That(frame[1], Is.LessThanOrEqualTo(125));
        Assert.That(System.Text.Unicode.Utf8.IsValid(frame.AsSpan(4)), Is.True);
    }

    [TestCase(125, 2)]
    [TestCase(126, 4)]
    [TestCase(65535, 4)]
    [TestCase(65536, 10)]
    public void Server_frame_headers_use_the_shortest_length_encoding(int payload, int header) =>
        Assert.That(WebSocketFrameEncoder.Frame(WebSocketOpcode.Text, new byte[payload]).Length - payload, Is.EqualTo(header));
}
