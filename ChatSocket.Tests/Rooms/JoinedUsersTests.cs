using System.Text;
using System.Text.Json;
using ChatSocket.Protocol;
using ChatSocket.Rooms;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Rooms;

[TestFixture]
public sealed class JoinedUsersTests
{
    private List<IRoomMember> _members = null!;
    private JoinedUsers _users = null!;

    [SetUp]
    public void CreateRoomState()
    {
        _members = [];
        _users = new JoinedUsers();
    }

    [Test]
    public void Each_name_is_listed_once_however_many_connections_it_has()
    {
        Join("alice");
        Join("alice");
        Join("bob");

        Assert.That(Listed(), Is.EquivalentTo(new[] { "alice", "bob" }));
    }

    [Test]
    public void The_joined_frame_carries_the_encoded_names()
    {
        Join("alice");
        Join("bob");

        var frame = ServerFrames.Joined("r", 2, _users.Encoded([.. _members]));

        Assert.That(Encoding.UTF8.GetString(frame.AsSpan(2)), Is.EqualTo("""{"type":"joined","room_id":"r","members":2,"users":["alice","bob"]}"""));
    }

    [Test]
    public void Past_the_cap_the_list_stays_the_same_bytes()
    {
        for (var i = 0; i < ProtocolRules.MaxJoinedUsers; i++)
        {
            Join($"u{i}");
        }

        var full = _users.Encoded([.. _members]);
        Join("late");

        Assert.That(_users.Encoded([.. _members]), Is.SameAs(full));
        Assert.That(Listed(), Has.Count.EqualTo(ProtocolRules.MaxJoinedUsers).And.Not.Contains("late"));
    }

    [Test]
    public void A_name_goes_when_its_last_connection_leaves_and_stays_while_one_is_left()
    {
        Join("alice");
        var second = Join("alice");
        var bob = Join("bob");
        Join("carol");

        Leave(second);
        var afterAlicesSecond = Listed();
        Leave(bob);

        Assert.That(afterAlicesSecond, Is.EquivalentTo(new[] { "alice", "bob", "carol" }));
        Assert.That(Listed(), Is.EquivalentTo(new[] { "alice", "carol" }));
    }

    [Test]
    public void Once_a_listed_name_leaves_a_full_list_is_filled_from_the_members_again()
    {
        var first = Join("u0");
        for (var i = 1; i <= ProtocolRules.MaxJoinedUsers; i++)
        {
            Join($"u{i}");
        }

        Listed();
        Leave(first);

        Assert.That(Listed(), Is.EquivalentTo(Enumerable.Range(1, ProtocolRules.MaxJoinedUsers).Select(i => $"u{i}")));
    }

    private RecordingMember Join(string user)
    {
        var member = new RecordingMember(user);
        _members.Add(member);
        _users.Joined(user);
        return member;
    }

    private void Leave(RecordingMember member)
    {
        _members.Remove(member);
        _users.Left(member.User);
    }

    private List<string> Listed()
    {
        using var users = JsonDocument.Parse(_users.Encoded([.. _members]));
        return [.. users.RootElement.EnumerateArray().Select(u => u.GetString()!)];
    }
}
