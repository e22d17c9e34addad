using ChatSocket.Rooms;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Rooms;

[TestFixture]
public sealed class MemberListTests
{
    [Test]
    public void Members_keep_their_join_order_when_one_in_the_middle_leaves()
    {
        var list = new MemberList();
        var members = Enumerable.Range(0, 10).Select(i => new RecordingMember($"u{i}")).ToList();
        members.ForEach(list.Add);

        list.RemoveAt(list.IndexOf(members[3]));

        Assert.That(list.Span.ToArray(), Is.EqualTo(members.Where((_, i) => i != 3)));
        Assert.That(list.Count, Is.EqualTo(9));
    }

    [Test]
    public void A_member_is_found_by_reference_not_by_equal_name()
    {
        var list = new MemberList();
        var alice = new RecordingMember("alice");
        list.Add(new RecordingMember("alice"));
        list.Add(alice);

        Assert.That(list.IndexOf(alice), Is.EqualTo(1));
        Assert.That(list.IndexOf(new RecordingMember("alice")), Is.EqualTo(-1));
    }

    [Test]
    public void A_list_that_grew_and_emptied_again_holds_its_members_correctly_throughout()
    {
        var list = new MemberList();
        var members = Enumerable.Range(0, 1000).Select(i => new RecordingMember($"u{i}")).ToList();
        members.ForEach(list.Add);

        // Leave from the front, then the rest from the back: the array shrinks on the way.
        for (var i = 0; i < 500; i++)
        {
            list.RemoveAt(0);
        }

        Assert.That(list.Span.ToArray(), Is.EqualTo(members.Skip(500)));
        while (list.Count > 0)
        {
            list.RemoveAt(list.Count - 1);
        }

        list.Add(members[0]);
        Assert.That(list.Span.ToArray(), Is.EqualTo(new[] { members[0] }));
    }
}
