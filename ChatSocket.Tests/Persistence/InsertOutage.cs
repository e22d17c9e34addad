using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Persistence;

/// <summary>The first half of the spill tests: messages accepted while the database refuses every insert, then a
/// stop, which spills them.</summary>
internal static class InsertOutage
{
    /// <summary>
    /// Alice sends m0, m1, ... (client_msg_id c0, c1, ...) to <paramref name="room"/> while every insert fails, sees
    /// them broadcast, and the server stops. Inserts keep failing until the caller resets the embedded engine's faults.
    /// </summary>
    public static Task<(ChatServer Stopped, Dictionary<string, string?> Restart)> SendThenStopAsync(
        IReadOnlyDictionary<string, string?> settings, string room, int count) =>
        ChatServer.RunThenStopAsync(settings, async server =>
        {
            await using var alice = await server.ConnectAndJoinAsync("alice", room);
            TestStore.RequireEmbedded().Faults.FailCommands(91, "insert");
            for (var i = 0; i < count; i++)
            {
                await alice.SendJsonAsync(new { type = "send", room_id = room, content = $"m{i}", client_msg_id = $"c{i}" });
            }

            await alice.ReceiveMessagesAsync(room, count);
            await server.StopAsync();
        });
}
