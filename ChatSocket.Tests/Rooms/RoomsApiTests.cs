using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Rooms;

[TestFixture]
public sealed class RoomsApiTests
{
    [Test]
    public async Task Get_api_rooms_lists_active_rooms_with_member_counts()
    {
        await using var server = await ChatServer.StartAsync();
        await using var alice = await server.ConnectAndJoinAsync("alice", "api-a");
        await using var bob = await server.ConnectAndJoinAsync("bob", "api-a");
        await using var carol = await server.ConnectAndJoinAsync("carol", "api-b");

        var body = await server.GetJsonAsync("/api/rooms");

        var rooms = body.GetProperty("rooms").EnumerateArray()
            .Select(r => (r.GetProperty("room_id").GetString(), r.GetProperty("members").GetInt32())).ToList();
        Assert.That(rooms, Is.EqualTo(new[] { ("api-a", 2), ("api-b", 1) }));
    }

    [Test]
    public async Task An_emptied_room_disappears_from_the_list()
    {
        await using var server = await ChatServer.StartAsync();
        await using (var alice = await server.ConnectAndJoinAsync("alice", "gone"))
        {
            await alice.SendJsonAsync(new { type = "leave", room_id = "gone" });
            await alice.ReceiveTypeAsync("left", "gone");
        }

        var body = await server.GetJsonAsync("/api/rooms");

        Assert.That(body.GetProperty("rooms").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task A_join_to_a_new_room_over_the_servers_room_limit_gets_too_many_rooms()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:MaxRooms"] = "1" });
        await using var alice = await server.ConnectAndJoinAsync("alice", "only");

        await alice.SendJsonAsync(new { type = "join", room_id = "second" });
        var error = await alice.ReceiveTypeAsync("error");

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("too_many_rooms"));
        await using var bob = await server.ConnectAndJoinAsync("bob", "only");
    }
}
