using System.Text.Json;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Backplane;

/// <summary>A node killed with SIGKILL mid-run (no drain, no close frames): its clients go on on another node.</summary>
[TestFixture]
[NonParallelizable]
public sealed class HardKillTests : RedisFixture
{
    [Test]
    public async Task Clients_of_a_node_killed_mid_run_resume_on_another_node_without_gap_or_duplicate_and_lose_nothing_acked()
    {
        await using var cluster = await Cluster.StartAsync(Redis, nodes: 1);
        var survivor = cluster.Nodes[0];
        var room = "sigkill";
        const int total = 150;
        await using var watcher = await survivor.ConnectAndJoinAsync("watcher", room);
        var doomed = await cluster.StartProcessNodeAsync();
        var alice = await JoinAsync(await doomed.ConnectAsync("alice"), room, since: null);
        var bob = await JoinAsync(await doomed.ConnectAsync("bob"), room, since: null);

        // Alice sends without waiting for acks; the node dies once some are acked, with others in flight.
        for (var i = 0; i < total; i++)
        {
            await alice.SendJsonAsync(new { type = "send", room_id = room, content = $"m-{i}", client_msg_id = $"c-{i}" });
        }

        var firstAck = await alice.ReceiveTypeAsync("ack", room);
        await doomed.KillAsync();
        var ackedBeforeKill = AckedIds([firstAck, .. await DrainAsync(alice)]);
        var bobSaw = (await DrainAsync(bob)).Where(f => f.GetProperty("type").GetString() == "message").ToList();
        await alice.DisposeAsync();
        await bob.DisposeAsync();

        // Bob resumes on the survivor with the newest id he saw; alice resends what was not acked, same client_msg_ids.
        var lastSeen = bobSaw.Count > 0 ? bobSaw[^1].GetProperty("id").GetString() : null;
        await using var bobAgain = await survivor.ConnectAsync("bob");
        await bobAgain.SendJsonAsync(new { type = "join", room_id = room, since = lastSeen });
        var history = await bobAgain.ReceiveTypeAsync("history", room);
        await using var aliceAgain = await survivor.ConnectAndJoinAsync("alice", room);
        var resent = new Dictionary<string, string>();
        for (var i = 0; i < total; i++)
        {
            if (!ackedBeforeKill.ContainsKey($"c-{i}"))
            {
                await aliceAgain.SendJsonAsync(new { type = "send", room_id = room, content = $"m-{i}", client_msg_id = $"c-{i}" });
                resent[$"c-{i}"] = (await aliceAgain.ReceiveTypeAsync("ack", room)).GetProperty("id").GetString()!;
            }
        }

        var seenBefore = bobSaw.Select(m => m.GetProperty("id").GetString()!).ToList();
        var replayed = history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
        var stored = await Eventually.ReturnsAsync(() => survivor.StoredIdsAsync(room, 200), ids => ids.Count >= total, "every message stored");
        var live = (await bobAgain.ReceiveMessagesAsync(room, stored.Count - seenBefore.Count - replayed.Count))
            .Select(m => m.GetProperty("id").GetString()!);
        var bobSequence = seenBefore.Concat(replayed).Concat(live).ToList();

        await TestContext.Out.WriteLineAsync($"acked before the kill {ackedBeforeKill.Count}, resent {resent.Count}, bob saw {seenBefore.Count} before, {replayed.Count} replayed");
        Assert.That(stored, Has.Count.EqualTo(total), "each message stored once");
        Assert.That(stored, Is.SupersetOf(ackedBeforeKill.Values), "an acked message was lost with the node");
        Assert.That(resent.Values, Is.Unique);
        Assert.That(bobSequence, Is.EqualTo(stored), "bob saw every stored message once, in order, across the kill");
        Assert.That(history.GetProperty("recovered").GetBoolean(), Is.True);
    }

    private static async Task<ChatClient> JoinAsync(ChatClient client, string room, string? since)
    {
        await client.SendJsonAsync(new { type = "join", room_id = room, since });
        await client.ReceiveTypeAsync("history", room);
        return client;
    }

    // Every frame the client got before its connection dropped.
    private static async Task<List<JsonElement>> DrainAsync(ChatClient client)
    {
        var frames = new List<JsonElement>();
        try
        {
            while (true)
            {
                frames.Add(await client.ReceiveAsync(_ => true));
            }
        }
        catch (InvalidOperationException)
        {
            // The connection is gone and every frame read.
        }

        return frames;
    }

    private static Dictionary<string, string> AckedIds(List<JsonElement> frames) =>
        frames.Where(f => f.GetProperty("type").GetString() == "ack")
            .ToDictionary(f => f.GetProperty("client_msg_id").GetString()!, f => f.GetProperty("id").GetString()!);
}
