using ChatSocket.History;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using MongoDB.Bson;

namespace ChatSocket.Tests.History;

[TestFixture]
public sealed class MessageRingTests
{
    [Test]
    public void A_wrapped_ring_without_archive_returns_the_newest_messages_and_promises_nothing_it_cannot_fetch()
    {
        var ring = new MessageRing(capacity: 3, archived: false);
        var messages = Fill(ring, 5, stored: true);

        var page = ring.TryTakeRecent(10);

        Assert.That(page, Is.Not.Null);
        Assert.That(page!.Messages, Is.EqualTo(messages.Skip(2)));
        Assert.That(page.HasMore, Is.False, "evicted messages are gone without a database");
        Assert.That(ring.TryTakeRecent(2)!.HasMore, Is.True);
    }

    [Test]
    public void A_ring_without_archive_that_never_wrapped_has_no_more()
    {
        var ring = new MessageRing(capacity: 4, archived: false);
        var messages = Fill(ring, 4, stored: true);

        var page = ring.TryTakeRecent(4)!;

        Assert.That(page.Messages, Is.EqualTo(messages));
        Assert.That(page.HasMore, Is.False);
    }

    [Test]
    public void An_archived_ring_answers_alone_only_when_it_holds_more_than_asked()
    {
        var ring = new MessageRing(capacity: 10, archived: true);
        var messages = Fill(ring, 6, stored: true);

        Assert.That(ring.TryTakeRecent(6), Is.Null, "older messages may be in the database");
        var page = ring.TryTakeRecent(5)!;
        Assert.That(page.Messages, Is.EqualTo(messages.Skip(1)));
        Assert.That(page.HasMore, Is.True);
    }

    [Test]
    public void An_archived_ring_marked_complete_answers_alone_until_it_evicts()
    {
        var ring = new MessageRing(capacity: 3, archived: true);
        var messages = Fill(ring, 2, stored: true);
        ring.MarkComplete(ring.Evictions);

        var whole = ring.TryTakeRecent(50)!;
        Fill(ring, 3, stored: true);

        Assert.That(whole.Messages, Is.EqualTo(messages));
        Assert.That(whole.HasMore, Is.False);
        Assert.That(ring.TryTakeRecent(50), Is.Null, "evicted messages are in the database only");
    }

    [Test]
    public void Messages_not_yet_stored_are_never_evicted()
    {
        var ring = new MessageRing(capacity: 2, archived: true);
        var unstored = Fill(ring, 5, stored: false);

        var (all, evictions) = ring.Snapshot();

        Assert.That(all, Is.EqualTo(unstored), "the ring grew past its capacity instead of losing them");
        Assert.That(evictions, Is.Zero);
        Assert.That(ring.IsSettled, Is.False);
    }

    [Test]
    public void Stored_messages_are_evicted_oldest_first_back_down_to_the_capacity()
    {
        var ring = new MessageRing(capacity: 2, archived: true);
        var pending = new List<PendingMessage>();
        for (var i = 0; i < 4; i++)
        {
            pending.Add(Append(ring, $"m{i}", "user", null));
        }

        foreach (var message in pending)
        {
            message.Complete(new InsertOutcome(true, message.Message.Id, null));
        }

        var newest = Append(ring, "m4", "user", null);
        newest.Complete(new InsertOutcome(true, newest.Message.Id, null));

        var (all, evictions) = ring.Snapshot();
        Assert.That(all.Select(m => m.Content), Is.EqualTo(new[] { "m3", "m4" }));
        Assert.That(evictions, Is.EqualTo(3));
        Assert.That(ring.IsSettled, Is.True);
    }

    [Test]
    public void Messages_after_an_id_come_from_the_ring_when_it_reaches_back_that_far()
    {
        var ring = new MessageRing(capacity: 10, archived: true);
        var messages = Fill(ring, 6, stored: true);

        var page = ring.TryTakeAfter(messages[2].Id, 2)!;
        var rest = ring.TryTakeAfter(messages[3].Id, 10)!;

        Assert.That(page.Messages, Is.EqualTo(new[] { messages[3], messages[4] }));
        Assert.That(page.HasMore, Is.True);
        Assert.That(rest.Messages, Is.EqualTo(messages.Skip(4)));
        Assert.That(rest.HasMore, Is.False);
        Assert.That(ring.TryTakeAfter(ObjectId.GenerateNewId(DateTime.UtcNow.AddDays(-1)), 10), Is.Null, "an older id needs the database");
    }

    [Test]
    public void A_client_msg_id_is_found_while_its_message_is_in_the_ring()
    {
        var ring = new MessageRing(capacity: 1, archived: true);
        var first = Append(ring, "hello", "alice", "c-1");
        first.Complete(new InsertOutcome(true, first.Message.Id, null));

        Assert.That(ring.FindByClientMsgId("alice", "c-1"), Is.SameAs(first));
        Assert.That(ring.FindByClientMsgId("bob", "c-1"), Is.Null, "ids are per sender");

        Append(ring, "later", "alice", "c-2");
        Assert.That(ring.FindByClientMsgId("alice", "c-1"), Is.Null, "forgotten with its eviction");
    }

    [Test]
    public void A_client_msg_id_watermark_holds_while_the_ring_keeps_everything_published_after_it()
    {
        var ring = new MessageRing(capacity: 3, archived: true);
        Fill(ring, 3, stored: true);
        var (found, watermark, _, _) = ring.LookUpClientMsgId("alice", "c-1");

        // Two more messages evict the two oldest, which were published before the watermark: still safe.
        Fill(ring, 2, stored: true);
        Assert.That(found, Is.Null);
        Assert.That(ring.StillHoldsEverythingSince(watermark), Is.True);

        // A third evicts the last message from before the watermark; a fourth evicts one published after it.
        Fill(ring, 1, stored: true);
        Assert.That(ring.StillHoldsEverythingSince(watermark), Is.True, "the oldest left is the first after the watermark");
        Fill(ring, 1, stored: true);
        Assert.That(ring.StillHoldsEverythingSince(watermark), Is.False, "a message published after the look-up may have left");
    }

    [Test]
    public void A_client_msg_id_watermark_of_an_empty_ring_holds_only_until_the_first_eviction()
    {
        var ring = new MessageRing(capacity: 2, archived: true);
        var watermark = ring.LookUpClientMsgId("alice", "c-1").Watermark;
        Fill(ring, 2, stored: true);
        Assert.That(ring.StillHoldsEverythingSince(watermark), Is.True);
        Fill(ring, 1, stored: true);
        Assert.That(ring.StillHoldsEverythingSince(watermark), Is.False);
        Assert.That(new MessageRing(2, true).StillHoldsEverythingSince(watermark), Is.False, "another ring proves nothing");
    }

    [Test]
    public void A_client_msg_id_in_the_ring_is_found_with_its_message()
    {
        var ring = new MessageRing(capacity: 4, archived: true);
        var original = Append(ring, "hello", "alice", "c-1");

        Assert.That(ring.LookUpClientMsgId("alice", "c-1").Found, Is.SameAs(original));
        Assert.That(ring.LookUpClientMsgId("bob", "c-1").Found, Is.Null, "keys are per sender");
    }

    private static List<ChatMessage> Fill(MessageRing ring, int count, bool stored)
    {
        var messages = new List<ChatMessage>();
        for (var i = 0; i < count; i++)
        {
            var pending = Append(ring, $"m{i}", "user", null);
            if (stored)
            {
                pending.Complete(new InsertOutcome(true, pending.Message.Id, null));
            }

            messages.Add(pending.Message);
        }

        return messages;
    }

    private static PendingMessage Append(MessageRing ring, string content, string sender, string? clientMsgId)
    {
        var pending = new PendingMessage(new ChatMessage(ObjectId.GenerateNewId(), "room", sender, content, DateTime.UtcNow, clientMsgId));
        ring.Append(pending);
        return pending;
    }
}
