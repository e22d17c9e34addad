using ChatSocket.Chat;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using MongoDB.Bson;

namespace ChatSocket.Tests.Chat;

/// <summary>The one place the writer's outcome becomes an answer to the sender, and the null sink that answers
/// nothing when persistence is off.</summary>
[TestFixture]
public sealed class ChatSessionTests
{
    [Test]
    public void A_stored_message_is_acked_with_the_stored_id_outside_the_queues_cap()
    {
        var (client, session, pending) = Sent("c-1");
        var original = ObjectId.GenerateNewId();

        pending.AddAckTarget(session);
        pending.Complete(new InsertOutcome(true, original, null));

        var (frame, reply) = client.Sent.Single();
        Assert.That(frame.GetProperty("type").GetString(), Is.EqualTo("ack"));
        Assert.That(frame.GetProperty("id").GetString(), Is.EqualTo(original.ToString()), "a resend is acked with the original's id");
        Assert.That(frame.GetProperty("client_msg_id").GetString(), Is.EqualTo("c-1"));
        Assert.That(reply, Is.True);
    }

    [TestCase(true, "duplicate_client_msg_id")]
    [TestCase(false, "store_failed")]
    public void A_message_refused_for_good_is_an_error_referring_to_its_client_msg_id(bool conflict, string code)
    {
        var (client, session, pending) = Sent("c-1");

        session.OnStored(pending, new InsertOutcome(false, pending.Message.Id, "refused", conflict));

        var frame = client.Sent.Single().Frame;
        Assert.That(frame.GetProperty("code").GetString(), Is.EqualTo(code));
        Assert.That(frame.GetProperty("ref").GetString(), Is.EqualTo("c-1"));
    }

    [Test]
    public void A_refused_message_without_client_msg_id_is_referred_to_by_its_id()
    {
        var (client, session, pending) = Sent(null);

        session.OnStored(pending, new InsertOutcome(false, pending.Message.Id, "refused"));

        Assert.That(client.Sent.Single().Frame.GetProperty("ref").GetString(), Is.EqualTo(pending.Message.Id.ToString()));
    }

    [Test]
    public void Nothing_reaches_a_closing_connection()
    {
        var (client, session, pending) = Sent("c-1");
        client.IsClosing = true;

        session.OnStored(pending, new InsertOutcome(true, pending.Message.Id, null));

        Assert.That(client.Sent, Is.Empty);
    }

    [Test]
    public void The_null_sink_settles_every_message_at_once_and_acks_none()
    {
        var (client, session, pending) = Sent("c-1");
        var sink = new NullMessageSink();

        Assert.That(sink.TryAdd(pending), Is.True);
        sink.AckWhenStored(pending, session);

        Assert.That(pending.IsCompleted, Is.True, "the ring may evict it like a stored message");
        Assert.That(client.Sent, Is.Empty, "without a database there is no ack to promise");
    }

    private static (RecordingClient Client, ChatSession Session, PendingMessage Pending) Sent(string? clientMsgId)
    {
        var client = new RecordingClient("alice");
        var session = new ChatSession(client, new ChatOptions());
        var pending = new PendingMessage(new ChatMessage(ObjectId.GenerateNewId(), "lobby", "alice", "hi", DateTime.UtcNow, clientMsgId));
        return (client, session, pending);
    }
}
