using System.Text;
using ChatSocket.Protocol;

namespace ChatSocket.Tests.Protocol;

[TestFixture]
public sealed class ClientRequestParserTests
{
    [TestCase("hello")]
    [TestCase("\"a JSON string\"")]
    [TestCase("42")]
    [TestCase("[1,2]")]
    [TestCase("   ")]
    public void Text_that_is_not_a_JSON_object_is_plain_text(string text) =>
        Assert.That(ClientRequestParser.Parse(Encoding.UTF8.GetBytes(text), out _, out _), Is.EqualTo(ParseStatus.PlainText));

    [Test]
    public void A_send_frame_is_read_with_its_fields_and_unknown_fields_are_ignored()
    {
        var status = ClientRequestParser.Parse(
            """ {"type":"send","room_id":"lobby","content":"hi \u00e9","client_msg_id":"c1","extra":{"nested":[1,2,{"x":null}]}} """u8,
            out var request,
            out _);

        Assert.That(status, Is.EqualTo(ParseStatus.Request));
        Assert.That(request!.Kind, Is.EqualTo(ClientRequestKind.Send));
        Assert.That(request.RoomId, Is.EqualTo("lobby"));
        Assert.That(request.Content, Is.EqualTo("hi é"));
        Assert.That(request.ClientMsgId, Is.EqualTo("c1"));
    }

    [Test]
    public void A_refresh_frame_carries_its_token_and_a_token_that_is_not_a_string_is_a_bad_request()
    {
        var status = ClientRequestParser.Parse(""" {"type":"refresh","token":"a.b.c"} """u8, out var request, out _);
        var wrong = ClientRequestParser.Parse(""" {"type":"refresh","token":42} """u8, out _, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(ParseStatus.Request));
            Assert.That(request!.Kind, Is.EqualTo(ClientRequestKind.Refresh));
            Assert.That(request.Token, Is.EqualTo("a.b.c"));
            Assert.That(wrong, Is.EqualTo(ParseStatus.Invalid));
            Assert.That(error!.Message, Is.EqualTo("token must be a string"));
        });
    }

    [Test]
    public void Deep_nesting_is_malformed_rather_than_a_stack_risk()
    {
        var deep = "{\"type\":\"ping\",\"x\":" + new string('[', 100) + new string(']', 100) + "}";

        Assert.That(ClientRequestParser.Parse(Encoding.UTF8.GetBytes(deep), out _, out var error), Is.EqualTo(ParseStatus.Invalid));
        Assert.That(error!.Code, Is.EqualTo(ErrorCodes.BadRequest));
    }

    [Test]
    public void A_fractional_history_is_not_an_integer()
    {
        Assert.That(ClientRequestParser.Parse("""{"type":"join","room_id":"a","history":1.5}"""u8, out _, out var error), Is.EqualTo(ParseStatus.Invalid));
        Assert.That(error!.Message, Is.EqualTo("history must be an integer"));
    }
}
