using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Tests.Messages;

[TestFixture]
public sealed class MessageIdsTests
{
    [Test]
    public void Ids_of_one_second_increase()
    {
        var now = DateTime.UtcNow;
        var first = MessageIds.Next(ObjectId.Empty, now);

        Assert.That(MessageIds.Next(first, now), Is.GreaterThan(first));
    }

    [Test]
    public void An_id_that_would_not_exceed_the_previous_one_is_reissued_above_it()
    {
        // A previous id from the same second but with the highest counter: what a counter wrap looks like.
        var now = DateTime.UtcNow;
        var seconds = (int)new DateTimeOffset(now).ToUnixTimeSeconds();
        var wrapped = ObjectId.Parse(seconds.ToString("x8") + "ffffffffff" + "ffffff");

        var next = MessageIds.Next(wrapped, now);

        Assert.That(next, Is.GreaterThan(wrapped));
        Assert.That(next.Timestamp - wrapped.Timestamp, Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void An_id_after_the_clock_went_back_still_exceeds_the_previous_one()
    {
        var previous = ObjectId.GenerateNewId(DateTime.UtcNow.AddMinutes(5));

        Assert.That(MessageIds.Next(previous, DateTime.UtcNow), Is.GreaterThan(previous));
    }
}
