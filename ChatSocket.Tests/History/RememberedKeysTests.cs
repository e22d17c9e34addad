using ChatSocket.History;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace ChatSocket.Tests.History;

/// <summary>
/// A ring's memory of its senders' <c>client_msg_id</c>s: a key is called new only when the sender's keys were loaded
/// and the key is neither among them nor among the messages the ring took since; everything else is asked.
/// </summary>
[TestFixture]
public sealed class RememberedKeysTests
{
    [Test]
    public void A_key_is_new_only_after_the_senders_keys_are_loaded()
    {
        var ring = new MessageRing(capacity: 4, archived: true, Memory());

        var first = ring.LookUpClientMsgId("alice", "c-1", startLoad: true);
        var whileLoading = ring.LookUpClientMsgId("alice", "c-1", startLoad: true);
        ring.CompleteKeyLoad(first.Load!, ["stored-1"]);

        Assert.That(first.Knowledge, Is.EqualTo(KeyKnowledge.LoadFirst));
        Assert.That(whileLoading.Knowledge, Is.EqualTo(KeyKnowledge.Unknown), "one load at a time; meanwhile the database is asked");
        Assert.That(ring.LookUpClientMsgId("alice", "c-1").Knowledge, Is.EqualTo(KeyKnowledge.New));
        Assert.That(ring.LookUpClientMsgId("alice", "stored-1").Knowledge, Is.EqualTo(KeyKnowledge.Unknown), "a stored key is asked");
        Assert.That(ring.LookUpClientMsgId("bob", "c-1").Knowledge, Is.EqualTo(KeyKnowledge.Unknown), "another sender is not loaded");
    }

    [Test]
    public void Without_leave_to_load_nothing_is_remembered_and_every_key_is_asked()
    {
        var ring = new MessageRing(capacity: 4, archived: true, Memory());

        Assert.That(ring.LookUpClientMsgId("alice", "c-1").Knowledge, Is.EqualTo(KeyKnowledge.Unknown));
        Assert.That(new MessageRing(4, true).LookUpClientMsgId("alice", "c-1", startLoad: true).Knowledge, Is.EqualTo(KeyKnowledge.Unknown), "a ring without memory");
    }

    [Test]
    public void Keys_in_the_ring_when_the_load_begins_and_keys_taken_during_and_after_it_are_remembered()
    {
        // A message in the ring when the load begins may not be stored yet, invisible to the database's list: the
        // ring seeds it.
        var ring = new MessageRing(capacity: 2, archived: true, Memory());
        Append(ring, "alice", "unstored");
        var load = ring.LookUpClientMsgId("alice", "x", startLoad: true).Load!;
        Append(ring, "alice", "during");
        ring.CompleteKeyLoad(load, []);
        Append(ring, "alice", "after");
        Fill(ring, 4);

        foreach (var key in new[] { "unstored", "during", "after" })
        {
            Assert.That(ring.FindByClientMsgId("alice", key), Is.Null, $"{key} left the ring");
            Assert.That(ring.LookUpClientMsgId("alice", key).Knowledge, Is.EqualTo(KeyKnowledge.Unknown), $"{key} is remembered past the ring");
        }

        Assert.That(ring.LookUpClientMsgId("alice", "x").Knowledge, Is.EqualTo(KeyKnowledge.New));
    }

    [Test]
    public void A_sender_with_more_keys_than_remembered_is_always_asked()
    {
        var memory = Memory(perSender: 3);
        var ring = new MessageRing(capacity: 8, archived: true, memory);
        var load = ring.LookUpClientMsgId("alice", "x", startLoad: true).Load!;
        ring.CompleteKeyLoad(load, ["a", "b"]);
        Assert.That(ring.LookUpClientMsgId("alice", "x").Knowledge, Is.EqualTo(KeyKnowledge.New));

        Append(ring, "alice", "c");
        Append(ring, "alice", "d");

        Assert.That(ring.LookUpClientMsgId("alice", "x").Knowledge, Is.EqualTo(KeyKnowledge.Unknown));
        Assert.That(ring.LookUpClientMsgId("alice", "y", startLoad: true).Knowledge, Is.EqualTo(KeyKnowledge.Unknown), "not loaded again");
        Assert.That(memory.Used, Is.EqualTo(1), "the sender's keys were let go; its entry stays");

        var tooMany = ring.LookUpClientMsgId("bob", "x", startLoad: true).Load!;
        ring.CompleteKeyLoad(tooMany, null);
        Assert.That(ring.LookUpClientMsgId("bob", "x").Knowledge, Is.EqualTo(KeyKnowledge.Unknown), "the database had more than remembered");
    }

    [Test]
    public void The_node_wide_budget_bounds_what_all_rings_remember_and_a_dropped_ring_gives_its_share_back()
    {
        var memory = Memory(total: 4);
        var first = new MessageRing(capacity: 8, archived: true, memory);
        var second = new MessageRing(capacity: 8, archived: true, memory);
        first.CompleteKeyLoad(first.LookUpClientMsgId("alice", "x", startLoad: true).Load!, ["a", "b"]);

        Assert.That(memory.Used, Is.EqualTo(3));
        var load = second.LookUpClientMsgId("bob", "x", startLoad: true).Load!;
        second.CompleteKeyLoad(load, ["a", "b"]);
        Assert.That(second.LookUpClientMsgId("bob", "x").Knowledge, Is.EqualTo(KeyKnowledge.Unknown), "over budget: asked");
        Assert.That(second.LookUpClientMsgId("carol", "x", startLoad: true).Knowledge, Is.EqualTo(KeyKnowledge.Unknown), "no budget left for another sender");

        Assert.That(first.TryRetire(), Is.True);
        Assert.That(memory.Used, Is.EqualTo(1), "the first ring's share is back; bob's entry stays");
        Assert.That(second.LookUpClientMsgId("carol", "x", startLoad: true).Knowledge, Is.EqualTo(KeyKnowledge.LoadFirst));
    }

    [Test]
    public void A_failed_load_is_forgotten_and_the_next_send_loads_again()
    {
        var memory = Memory();
        var ring = new MessageRing(capacity: 4, archived: true, memory);
        var load = ring.LookUpClientMsgId("alice", "x", startLoad: true).Load!;

        ring.AbortKeyLoad(load);

        Assert.That(memory.Used, Is.Zero);
        Assert.That(ring.LookUpClientMsgId("alice", "x", startLoad: true).Knowledge, Is.EqualTo(KeyKnowledge.LoadFirst));
        ring.CompleteKeyLoad(load, []);
        Assert.That(ring.LookUpClientMsgId("alice", "x").Knowledge, Is.EqualTo(KeyKnowledge.Unknown), "the stale load completes nothing");
    }

    private static ClientMsgIdMemory Memory(int perSender = 100, int total = 1_000) =>
        new(Options.Create(new PersistenceOptions { RememberedClientMsgIdsPerSender = perSender, RememberedClientMsgIds = total }));

    private static void Fill(MessageRing ring, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Append(ring, "user", null);
        }
    }

    private static void Append(MessageRing ring, string sender, string? clientMsgId)
    {
        var pending = new PendingMessage(new ChatMessage(ObjectId.GenerateNewId(), "room", sender, "text", DateTime.UtcNow, clientMsgId));
        ring.Append(pending);
        pending.Complete(new InsertOutcome(true, pending.Message.Id, null));
    }
}
