using ChatSocket.History;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using Microsoft.Extensions.Options;

namespace ChatSocket.Tests.History;

/// <summary>The gap-free rule of <see cref="MessageHistory"/> (ring + archive never leave a gap), in memory,
/// including reads that race with publishing, storing and eviction.</summary>
[TestFixture]
public sealed class MessageHistoryTests
{
    private const string Room = "r";

    private InMemoryArchive _archive = null!;
    private RecentMessages _recent = null!;
    private MessageHistory _history = null!;
    private DateTime _clock;
    private List<ChatMessage> _published = null!;

    [SetUp]
    public void SetUp()
    {
        _archive = new InMemoryArchive();
        _recent = new RecentMessages(_archive, Options.Create(new ChatOptions { HistoryCapacity = 4 }));
        _history = new MessageHistory(_recent, _archive);
        _clock = DateTime.UtcNow.AddMinutes(-10);
        _published = [];
    }

    [Test]
    public void A_join_is_answered_by_the_ring_alone_when_it_holds_more_than_asked()
    {
        Publish(4, stored: true);

        var page = _history.TryPageForJoin(Room, new JoinRequest(3, null));

        Assert.That(page!.Messages, Is.EqualTo(_published.Skip(1)));
        Assert.That(page.HasMore, Is.True);
        Assert.That(_archive.Reads, Is.Zero);
    }

    [Test]
    public async Task A_join_past_the_ring_reads_the_archive_first_and_merges_it_without_gap_or_duplicate()
    {
        Publish(10, stored: true);
        var request = new JoinRequest(6, null);

        Assert.That(_history.TryPageForJoin(Room, request), Is.Null, "the ring holds 4 of 6");
        var page = _history.TryPageForJoin(Room, await _history.PrefetchForJoinAsync(Room, request, CancellationToken.None));

        Assert.That(page!.Messages, Is.EqualTo(_published.Skip(4)));
        Assert.That(page.HasMore, Is.True);
    }

    [Test]
    public async Task A_join_whose_ring_evicted_during_the_archive_read_reads_again()
    {
        Publish(10, stored: true);
        var request = new JoinRequest(6, null);
        _archive.DuringRead = () => Publish(2, stored: true);

        var raced = await _history.PrefetchForJoinAsync(Room, request, CancellationToken.None);

        Assert.That(_history.TryPageForJoin(Room, raced), Is.Null, "two messages left the ring during the read");
        var page = _history.TryPageForJoin(Room, await _history.PrefetchForJoinAsync(Room, raced, CancellationToken.None));
        Assert.That(page!.Messages, Is.EqualTo(_published.Skip(6)));
    }

    [Test]
    public async Task A_full_resume_page_that_ends_before_the_rings_oldest_stands_even_when_the_ring_moved_on()
    {
        Publish(10, stored: true);
        var request = new JoinRequest(2, _published[0].Id);
        _archive.DuringRead = () => Publish(2, stored: true);

        var page = _history.TryPageForJoin(Room, await _history.PrefetchForJoinAsync(Room, request, CancellationToken.None));

        Assert.That(page!.Messages, Is.EqualTo(_published.Skip(1).Take(2)));
        Assert.That(page.HasMore, Is.True);
    }

    [Test]
    public async Task A_page_after_an_id_leaves_out_a_message_stored_ahead_of_an_earlier_one_that_is_not_stored_yet()
    {
        Publish(4, stored: true);
        var after = _published[1].Id;
        _archive.DuringRead = () =>
        {
            Publish(1, stored: false); // still waiting for the database: in no answer the read can see
            Publish(1, stored: true); // stored first, by another batch; m0 and m1 leave the ring
        };

        var page = await _history.GetAfterAsync(Room, after, null, 10, CancellationToken.None);

        Assert.That(page.Messages, Is.EqualTo(_published.Skip(2).Take(2)), "only what was published before the read; the rest follows");
        Assert.That(page.HasMore, Is.True);
    }

    [Test]
    public async Task Paging_a_room_with_no_ring_leaves_out_what_was_published_from_the_second_of_the_read_on()
    {
        // The room has no ring (dropped, or never written since the start): only the clock bounds the answer.
        var stored = Message(_clock);
        _archive.Store(stored);
        _archive.Store(Message(DateTime.UtcNow.AddSeconds(5)));
        // A ring appears and evicts during the read: it proves nothing about the archive's answer.
        _archive.DuringRead = () => Publish(5, stored: true);

        var page = await _history.GetRecentAsync(Room, 10, CancellationToken.None);

        Assert.That(page.Messages, Does.Contain(stored));
        Assert.That(page.Messages.Where(m => m.Id.CreationTime >= DateTime.UtcNow.AddSeconds(1)), Is.Empty, "a message of a later second is left out");
    }

    [Test]
    public async Task Paging_back_past_the_ring_continues_in_the_archive_without_a_gap()
    {
        Publish(10, stored: true);

        var page = await _history.GetBeforeAsync(Room, _published[7].Id, 5, CancellationToken.None);

        Assert.That(page.Messages, Is.EqualTo(_published.Skip(2).Take(5)));
        Assert.That(page.HasMore, Is.True);
    }

    private void Publish(int count, bool stored)
    {
        for (var i = 0; i < count; i++)
        {
            _clock = _clock.AddMilliseconds(1);
            var message = Message(_clock);
            var pending = new PendingMessage(message);
            Assert.That(_recent.RingOf(Room).Append(pending), Is.True);
            if (stored)
            {
                _archive.Store(message);
                pending.Complete(new InsertOutcome(true, message.Id, null));
            }

            _published.Add(message);
        }
    }

    private ChatMessage Message(DateTime timestamp)
    {
        var previous = _published.Count > 0 ? _published[^1].Id : MongoDB.Bson.ObjectId.Empty;
        return new ChatMessage(MessageIds.Next(previous, timestamp), Room, "alice", $"m{_published.Count}", timestamp, null);
    }
}
