using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Runner;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.LoadTest;

/// <summary>
/// The load tool's core against the real ChatSocket server (the integration fixture: real Kestrel on a loopback port),
/// for a couple of seconds with a few connections. Correctness only, never timings.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ChatSocketSmokeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Test]
    public async Task A_short_chatsocket_run_delivers_every_message_once_and_in_order()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            // The tool sends faster than a person: lift the per-connection rate limit for the run.
            ["Chat:MessagesPerSecond"] = "10000",
            ["Chat:MessageBurst"] = "10000",
        });
        var options = new LoadOptions
        {
            Url = server.WebSocketUri,
            Protocol = WireProtocol.ChatSocket,
            Rooms = 2,
            ClientsPerRoom = 5,
            SendersPerRoom = 2,
            Rate = 80,
            Size = 100,
            Warmup = TimeSpan.FromSeconds(0.3),
            Duration = TimeSpan.FromSeconds(1.5),
            Drain = TimeSpan.FromSeconds(20),
            Progress = false,
        };

        var report = await LoadRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Deadline);

        var step = report.Steps.Single();
        Assert.Multiple(() =>
        {
            Assert.That(report.Connections.Connected, Is.EqualTo(10));
            Assert.That(step.Sent, Is.GreaterThan(0));
            Assert.That(step.DeliveredTotal, Is.EqualTo(step.ExpectedTotal));
            Assert.That(step.Lost, Is.Zero);
            Assert.That(step.Duplicates, Is.Zero);
            Assert.That(step.OutOfOrder, Is.Zero);
            Assert.That(step.ErrorFrames, Is.Zero);
            Assert.That(report.Errors, Is.Empty);
            Assert.That(report.Correct, Is.True);
        });

        // Every message sent was acked and can be read back through the history API.
        var persistence = report.Persistence!;
        Assert.That(persistence.Checked, Is.True, persistence.Note);
        Assert.That(persistence.Sent, Is.Positive);
        Assert.That(persistence.Acked, Is.EqualTo(persistence.Sent));
        Assert.That(persistence.Persisted, Is.EqualTo(persistence.Sent));
    }

    [Test]
    public async Task A_chatsocket_join_storm_gives_every_client_its_full_history()
    {
        await using var server = await ChatServer.StartAsync();
        var options = new LoadOptions
        {
            Url = server.WebSocketUri,
            Mode = LoadMode.JoinStorm,
            Clients = 40,
            History = 30,
            Progress = false,
        };

        var report = await LoadRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Deadline);

        var storm = report.JoinStorm!;
        Assert.Multiple(() =>
        {
            Assert.That(storm.Seeded, Is.EqualTo(30));
            Assert.That(storm.Joined, Is.EqualTo(40));
            Assert.That(storm.CompleteHistory, Is.EqualTo(40));
            Assert.That(report.Correct, Is.True);
        });
    }
}
