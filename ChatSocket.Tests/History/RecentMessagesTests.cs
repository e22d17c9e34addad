using ChatSocket.History;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace ChatSocket.Tests.History;

[TestFixture]
public sealed class RecentMessagesTests
{
    [Test]
    public void A_message_appended_through_a_ring_that_was_dropped_meanwhile_ends_up_in_the_rooms_current_ring()
    {
        var recent = new RecentMessages(new VolatileArchive(), Options.Create(new ChatOptions { HistoryRoomCapacity = 1 }));
        // A room's publish has taken its ring (settled: nothing unstored) ...
        var ring = recent.RingOf("a");
        // ... when another room's first message needs a ring and the least recently written one is dropped.
        recent.RingOf("b");
        var pending = new PendingMessage(new ChatMessage(ObjectId.GenerateNewId(), "a", "alice", "not stored yet", DateTime.UtcNow, "c1"));

        // What Room.TryPublish does with the ring it holds.
        while (!ring.Append(pending))
        {
            ring = recent.RingOf("a");
        }

        var current = recent.Find("a");
        Assert.That(current, Is.Not.Null, "the room has a ring");
        Assert.That(current!.Snapshot().Messages, Is.EqualTo(new[] { pending.Message }), "the unstored message is in the history");
        Assert.That(current.FindByClientMsgId("alice", "c1"), Is.SameAs(pending), "and a resend of it is recognised");
    }

    [Test]
    public void A_ring_with_an_unstored_message_is_not_dropped()
    {
        var recent = new RecentMessages(new VolatileArchive(), Options.Create(new ChatOptions { HistoryRoomCapacity = 1 }));
        var pending = new PendingMessage(new ChatMessage(ObjectId.GenerateNewId(), "a", "alice", "not stored yet", DateTime.UtcNow, null));
        Assert.That(recent.RingOf("a").Append(pending), Is.True);

        recent.RingOf("b");

        Assert.That(recent.Find("a")?.Snapshot().Messages, Is.EqualTo(new[] { pending.Message }));
    }
}
