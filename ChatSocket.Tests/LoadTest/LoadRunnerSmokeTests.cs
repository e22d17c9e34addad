using System.Net;
using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Runner;

namespace ChatSocket.Tests.LoadTest;

/// <summary>
/// Short in-process runs of the load tool's core against a real Kestrel peer, so the tool cannot rot. They assert
/// correctness only (nothing lost, duplicated or reordered), never timings.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LoadRunnerSmokeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private RawBroadcastServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await RawBroadcastServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task A_short_raw_run_delivers_every_message_once_and_in_order()
    {
        var options = SmallRun();

        var report = await LoadRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Deadline);

        var step = report.Steps.Single();
        Assert.Multiple(() =>
        {
            Assert.That(report.Connections.Connected, Is.EqualTo(12));
            Assert.That(step.Sent, Is.GreaterThan(0));
            Assert.That(step.ExpectedTotal, Is.GreaterThan(0));
            Assert.That(step.DeliveredTotal, Is.EqualTo(step.ExpectedTotal));
            Assert.That(step.Lost, Is.Zero);
            Assert.That(step.Duplicates, Is.Zero);
            Assert.That(step.OutOfOrder, Is.Zero);
            Assert.That(step.Misrouted, Is.Zero);
            Assert.That(step.Latency.Count, Is.GreaterThan(0));
            Assert.That(report.Correct, Is.True);
        });
    }

    [Test]
    public async Task A_run_timed_by_the_kernels_receive_stamps_is_as_correct_and_says_so()
    {
        var options = SmallRun();
        options.ReceiveTime = ReceiveTimeSource.Kernel;

        var report = await LoadRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Deadline);

        var step = report.Steps.Single();
        Assert.Multiple(() =>
        {
            Assert.That(step.DeliveredTotal, Is.EqualTo(step.ExpectedTotal));
            Assert.That(step.Lost + step.Duplicates + step.OutOfOrder, Is.Zero);
            Assert.That(step.Latency.Count, Is.GreaterThan(0));
            Assert.That(report.Workload.ReceiveTime, Is.EqualTo("kernel"));
            Assert.That(report.Notes, Has.Some.Match(@"arrival times from the kernel's stamps: [1-9]\d* reads stamped"));
            Assert.That(report.Correct, Is.True);
        });
    }

    [Test]
    public async Task Connections_are_spread_over_the_given_source_addresses()
    {
        var options = SmallRun();
        options.SourceAddresses = LoadOptionsParser.ParseAddresses("127.0.0.2-127.0.0.4");
        options.Duration = TimeSpan.FromSeconds(0.5);

        var report = await LoadRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Deadline);

        Assert.That(report.Correct, Is.True);
        Assert.That(_server.Sources.Keys, Is.SupersetOf(new[] { "127.0.0.2", "127.0.0.3", "127.0.0.4" }));
    }

    [Test]
    public async Task Max_rate_mode_reports_a_step_per_rate_until_it_stops()
    {
        var options = SmallRun();
        options.Mode = LoadMode.MaxRate;
        options.MaxSteps = 2;
        options.Duration = TimeSpan.FromSeconds(0.5);
        options.MaxP99 = TimeSpan.FromSeconds(30);

        var report = await LoadRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Deadline);

        Assert.That(report.Steps, Has.Count.EqualTo(2));
        Assert.That(report.Steps[1].OfferedMessagesPerSecond, Is.GreaterThan(report.Steps[0].OfferedMessagesPerSecond));
        Assert.That(report.Steps.All(s => s.Lost == 0 && s.Duplicates == 0), Is.True);
        Assert.That(report.MaxSustainableMessagesPerSecond, Is.EqualTo(report.Steps[1].OfferedMessagesPerSecond).Within(1));
    }

    [Test]
    public async Task Idle_mode_holds_its_connections_and_reads_the_server_memory()
    {
        var options = SmallRun();
        options.Mode = LoadMode.Idle;
        options.Connections = 40;
        options.IdleWarmupConnections = 4;
        options.Duration = TimeSpan.FromSeconds(1);
        options.ServerPid = Environment.ProcessId;

        var report = await LoadRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Deadline);

        Assert.That(report.Idle, Is.Not.Null);
        Assert.That(report.Idle!.Held, Is.EqualTo(40));
        Assert.That(report.Idle.DroppedWhileHeld, Is.Zero);
        Assert.That(report.Idle.ServerRssHeldMb, Is.GreaterThan(0));
        Assert.That(report.Correct, Is.True);
    }

    [Test]
    public async Task Join_storm_mode_connects_every_client_of_a_raw_peer()
    {
        var options = SmallRun();
        options.Mode = LoadMode.JoinStorm;
        options.Clients = 50;

        var report = await LoadRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Deadline);

        Assert.That(report.JoinStorm, Is.Not.Null);
        Assert.That(report.JoinStorm!.Joined, Is.EqualTo(50));
        Assert.That(report.JoinStorm.JoinLatency.Count, Is.GreaterThanOrEqualTo(50));
        Assert.That(report.Correct, Is.True);
    }

    [Test]
    public void Only_loopback_targets_are_accepted()
    {
        var options = SmallRun();
        options.Url = new Uri("ws://192.0.2.10:5000/ws");
        options.SourceAddresses = [IPAddress.Parse("10.0.0.1")];

        Assert.That(options.Validate(), Has.Count.EqualTo(2));
        Assert.ThrowsAsync<ArgumentException>(() => LoadRunner.RunAsync(options, TextWriter.Null, CancellationToken.None));
    }

    private LoadOptions SmallRun() => new()
    {
        Url = _server.Url,
        Protocol = WireProtocol.Raw,
        Rooms = 3,
        ClientsPerRoom = 4,
        SendersPerRoom = 2,
        Rate = 60,
        Size = 80,
        Warmup = TimeSpan.FromSeconds(0.3),
        Duration = TimeSpan.FromSeconds(1.5),
        Drain = TimeSpan.FromSeconds(20),
        Progress = false,
    };
}
