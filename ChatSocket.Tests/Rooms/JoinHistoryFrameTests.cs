using ChatSocket.Messages;
using ChatSocket.Protocol;
using ChatSocket.Rooms;
using MongoDB.Bson;

namespace ChatSocket.Tests.Rooms;

[TestFixture]
public sealed class JoinHistoryFrameTests
{
    private static readonly ChatMessage[] Messages = [.. Enumerable.Range(0, 3).Select(i => new ChatMessage(ObjectId.GenerateNewId(), "r", "alice", $"m{i}", DateTime.UtcNow, null))];

    [Test]
    public void Joins_given_the_same_messages_share_one_frame_equal_to_its_own_encoding()
    {
        var frames = new JoinHistoryFrame("r");

        var first = frames.For(new HistoryPage([.. Messages], true), recovered: null);
        var second = frames.For(new HistoryPage([.. Messages], true), recovered: null);

        Assert.That(second, Is.SameAs(first));
        Assert.That(first, Is.EqualTo(ServerFrames.History("r", new HistoryPage(Messages, true))));
    }

    [Test]
    public void Another_page_has_more_or_recovered_value_gets_its_own_frame()
    {
        var frames = new JoinHistoryFrame("r");
        var shared = frames.For(new HistoryPage(Messages, true), recovered: null);

        var pages = new (HistoryPage Page, bool? Recovered)[]
        {
            (new HistoryPage(Messages[1..], true), null),
            (new HistoryPage([Messages[0], Messages[2], Messages[1]], true), null),
            (new HistoryPage(Messages, false), null),
            (new HistoryPage(Messages, true), true),
            (new HistoryPage([.. Messages[..2], Messages[2] with { Id = ObjectId.GenerateNewId() }], true), null),
        };

        foreach (var (page, recovered) in pages)
        {
            var frame = frames.For(page, recovered);
            Assert.That(frame, Is.Not.SameAs(shared));
            Assert.That(frame, Is.EqualTo(ServerFrames.History("r", page, recovered)));
        }
    }
}
