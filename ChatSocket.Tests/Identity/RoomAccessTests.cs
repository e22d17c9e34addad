using ChatSocket.Identity;

namespace ChatSocket.Tests.Identity;

/// <summary>The one rule of who may join and read a room (<see cref="RoomAccess"/>), without a server.</summary>
[TestFixture]
public sealed class RoomAccessTests
{
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddHours(1);

    [Test]
    public void Without_authentication_every_room_is_open_direct_message_rooms_too()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RoomAccess.Refusal(null, "lobby"), Is.Null);
            Assert.That(RoomAccess.Refusal(null, "dm:alice:bob"), Is.Null);
        });
    }

    [Test]
    public void Without_a_rooms_claim_every_ordinary_room_is_granted()
    {
        var alice = User("alice", RoomGrants.Every);

        Assert.That(RoomAccess.Refusal(alice, "anything-at-all"), Is.Null);
    }

    [Test]
    public void A_rooms_claim_grants_exact_ids_and_prefix_patterns_only()
    {
        var alice = User("alice", Grants("lobby", "team-*"));

        Assert.Multiple(() =>
        {
            Assert.That(RoomAccess.Refusal(alice, "lobby"), Is.Null);
            Assert.That(RoomAccess.Refusal(alice, "team-red"), Is.Null);
            Assert.That(RoomAccess.Refusal(alice, "team-"), Is.Null);
            Assert.That(RoomAccess.Refusal(alice, "lobby2"), Does.Contain("does not grant"));
            Assert.That(RoomAccess.Refusal(alice, "teams"), Is.Not.Null);
            Assert.That(RoomAccess.Refusal(alice, "Lobby"), Is.Not.Null, "room ids are case-sensitive");
        });
    }

    [Test]
    public void An_empty_rooms_claim_grants_no_room_and_a_star_every_room()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RoomAccess.Refusal(User("alice", Grants()), "lobby"), Is.Not.Null);
            Assert.That(RoomAccess.Refusal(User("alice", Grants("*")), "lobby"), Is.Null);
        });
    }

    [Test]
    public void A_direct_message_room_is_open_to_its_two_users_only_whatever_their_rooms_claim()
    {
        var alice = User("alice", Grants("lobby"));
        var bob = User("bob", RoomGrants.Every);
        var carol = User("carol", Grants("dm:*"));

        Assert.Multiple(() =>
        {
            Assert.That(RoomAccess.Refusal(alice, "dm:alice:bob"), Is.Null, "a rooms claim without it does not shut a user out of its own dm");
            Assert.That(RoomAccess.Refusal(bob, "dm:alice:bob"), Is.Null);
            Assert.That(RoomAccess.Refusal(carol, "dm:alice:bob"), Does.Contain("direct-message room of alice and bob"), "a rooms claim cannot open someone else's dm");
        });
    }

    [TestCase("dm:bob:alice", TestName = "A dm room with the names out of order is refused, naming the right order")]
    [TestCase("dm:alice:alice", TestName = "A dm room with the same name twice is refused")]
    [TestCase("dm:alice", TestName = "A dm room with one name is refused")]
    [TestCase("dm:alice:bob:carol", TestName = "A dm room with three names is refused")]
    [TestCase("dm::alice", TestName = "A dm room with an empty name is refused")]
    public void Malformed_direct_message_rooms_are_refused_to_everyone(string roomId)
    {
        var alice = User("alice", RoomGrants.Every);

        var refusal = RoomAccess.Refusal(alice, roomId);

        Assert.That(refusal, Does.Contain("not a direct-message room"));
        if (roomId == "dm:bob:alice")
        {
            Assert.That(refusal, Does.Contain("dm:alice:bob"));
        }
    }

    [TestCase("lobby,team-*", TestName = "Room entries may be separated by commas")]
    [TestCase("lobby team-*", TestName = "Room entries may be separated by spaces")]
    [TestCase(" lobby , team-* ", TestName = "Spaces around entries are ignored")]
    public void A_rooms_string_lists_several_entries(string claim)
    {
        var alice = User("alice", Grants(claim));

        Assert.Multiple(() =>
        {
            Assert.That(RoomAccess.Refusal(alice, "lobby"), Is.Null);
            Assert.That(RoomAccess.Refusal(alice, "team-x"), Is.Null);
            Assert.That(RoomAccess.Refusal(alice, "other"), Is.Not.Null);
        });
    }

    [TestCase("has space?")]
    [TestCase("te*am")]
    [TestCase("**")]
    public void An_entry_that_is_neither_a_room_id_nor_a_prefix_pattern_is_refused(string entry)
    {
        Assert.That(RoomGrants.TryParse([entry + "!"], out _, out var error), Is.False);
        Assert.That(error, Does.Contain("room id"));
    }

    [Test]
    public void A_rooms_claim_with_too_many_entries_is_refused()
    {
        var entries = Enumerable.Range(0, RoomGrants.MaxEntries + 1).Select(i => $"room-{i}");

        Assert.That(RoomGrants.TryParse(entries, out _, out var error), Is.False);
        Assert.That(error, Does.Contain(RoomGrants.MaxEntries.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static RoomGrants Grants(params string[] entries)
    {
        Assert.That(RoomGrants.TryParse(entries, out var grants, out var error), Is.True, error);
        return grants;
    }

    private static UserIdentity User(string name, RoomGrants rooms) => new(name, rooms, Later, Later);
}
