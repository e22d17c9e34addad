using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Tests.Messages;

[TestFixture]
public sealed class MessageRingTests
{
    [Test]
    public void A_wrapped_ring_returns_the_newest_messages_oldest_first()
    {
        var ring = new MessageRing(capacity: 3);
        var messages = Fill(ring, 5);

        Assert.That(ring.TakeRecent(10).Messages, Is.EqualTo(messages.Skip(2)));
        Assert.That(ring.TakeRecent(2).Messages, Is.EqualTo(messages.Skip(3)));
        Assert.That(ring.TakeRecent(2).HasMore, Is.True);
        Assert.That(ring.TakeRecent(3).HasMore, Is.False, "what fell out of the ring cannot be fetched");
    }

    [Test]
    public void Take_before_returns_the_messages_just_older_than_the_id()
    {
        var ring = new MessageRing(capacity: 10);
        var messages = Fill(ring, 6);

        var page = ring.TakeBefore(messages[4].Id, 2);

        Assert.That(page.Messages, Is.EqualTo(new[] { messages[2], messages[3] }));
        Assert.That(page.HasMore, Is.True);
        Assert.That(ring.TakeBefore(messages[1].Id, 5).HasMore, Is.False);
    }

    [Test]
    public void A_ring_that_never_wrapped_has_no_more_once_everything_is_returned()
    {
        var ring = new MessageRing(capacity: 4);
        var messages = Fill(ring, 4);

        var page = ring.TakeRecent(4);

        Assert.That(page.Messages, Is.EqualTo(messages));
        Assert.That(page.HasMore, Is.False);
    }

    private static List<ChatMessage> Fill(MessageRing ring, int count)
    {
        var messages = new List<ChatMessage>();
        for (var i = 0; i < count; i++)
        {
            var message = new ChatMessage(ObjectId.GenerateNewId(), "room", "user", $"m{i}", DateTime.UtcNow, null);
            ring.Append(message);
            messages.Add(message);
        }

        return messages;
    }
}
