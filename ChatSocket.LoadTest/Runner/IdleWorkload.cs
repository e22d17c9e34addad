using System.Diagnostics;
using ChatSocket.LoadTest.Metrics;
using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Report;

namespace ChatSocket.LoadTest.Runner;

/// <summary>
/// Idle mode: opens a few warm-up connections, reads the server's RSS, opens N more (spread over the rooms), lets the
/// server settle, holds them for the duration and reports the RSS growth per connection. Client connections hold no
/// receive buffer while idle (zero-byte reads), so the generator itself stays small.
/// </summary>
internal sealed class IdleWorkload(RunState state, TextWriter output)
{
    private readonly LoadOptions _options = state.Options;

    /// <summary>Runs the mode.</summary>
    public async Task<LoadReport> RunAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var probe = _options.ServerPid is { } pid ? new ProcessProbe(pid) : null;
        if (probe is null)
        {
            notes.Add("no --server-pid: server memory per connection not measured");
        }

        var limit = OpenFileLimit();
        var wanted = _options.Connections + _options.IdleWarmupConnections;
        if (limit is { } max && wanted > max - 64)
        {
            notes.Add($"asked for {wanted} connections but this process may open {max} files: capped at {max - 64}; run several generators (and several server processes) for more");
            wanted = (int)max - 64;
        }

        var warmupCount = Math.Min(_options.IdleWarmupConnections, wanted / 2);
        var heldCount = wanted - warmupCount;
        var clients = Enumerable.Range(0, wanted).Select(i => new LoadClient(state, i, i % _options.Rooms, -1, trackDeliveries: false)).ToList();
        await using var fleet = new ClientFleet(state);

        Log($"idle: {warmupCount} warm-up connections");
        await fleet.ConnectAsync(clients[..warmupCount], history: 0, _options.RampUp, zeroByteReads: true, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var baseline = probe?.RssBytes();
        var generatorBaseline = Process.GetCurrentProcess().WorkingSet64;

        Log($"idle: opening {heldCount} connections");
        var connectStart = Stopwatch.GetTimestamp();
        await fleet.ConnectAsync(clients[warmupCount..], history: 0, _options.RampUp, zeroByteReads: true, cancellationToken);
        var connectSeconds = Stopwatch.GetElapsedTime(connectStart).TotalSeconds;
        var held = fleet.Clients.Count - warmupCount;
        Log($"idle: {fleet.Clients.Count} open ({fleet.ConnectFailures} failed) after {connectSeconds:F1} s; holding {_options.Duration.TotalSeconds:F0} s");

        // Let the server finish its per-connection work (presence, first GC after the burst) before holding.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var droppedBefore = fleet.Dropped;
        var cpuStart = probe?.CpuSeconds();
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hold.CancelAfter(_options.Duration);
        await ProgressLoop.RunAsync(
            second =>
            {
                if (_options.Progress)
                {
                    output.WriteLine($"[{second,4}s] idle    conns {fleet.Open}/{fleet.Clients.Count}  server RSS {Mb(probe?.RssBytes()):F1} MB  errors {state.ErrorCount()}");
                }
            },
            hold.Token);
        cancellationToken.ThrowIfCancellationRequested();
        var cpuEnd = probe?.CpuSeconds();
        var heldRss = probe?.RssBytes();
        var generatorHeld = Process.GetCurrentProcess().WorkingSet64;
        var droppedWhileHeld = fleet.Dropped - droppedBefore;
        var dropped = fleet.Dropped;
        await fleet.CloseAsync(TimeSpan.FromSeconds(20));

        double? perConnection = baseline is { } b && heldRss is { } h && held > 0 ? Math.Round((h - b) / 1024.0 / held, 2) : null;
        return RunReport.Create("idle", state, startedAt, fleet, wanted, dropped, connectSeconds, notes) with
        {
            Idle = new IdleReport
            {
                Held = held,
                HoldSeconds = _options.Duration.TotalSeconds,
                DroppedWhileHeld = droppedWhileHeld,
                ServerRssBaselineMb = baseline is null ? null : Mb(baseline),
                ServerRssHeldMb = heldRss is null ? null : Mb(heldRss),
                ServerKibPerConnection = perConnection,
                GeneratorKibPerConnection = held > 0 ? Math.Round((generatorHeld - generatorBaseline) / 1024.0 / held, 2) : 0,
                ServerCpuSecondsWhileHeld = cpuStart is { } c0 && cpuEnd is { } c1 ? Math.Round(c1 - c0, 2) : null,
            },
            Correct = fleet.ConnectFailures == 0 && dropped == 0,
        };
    }

    /// <summary>The soft limit on open files from /proc/self/limits, if readable.</summary>
    internal static long? OpenFileLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.TryParse(fields[0], out var soft) ? soft : null;
                }
            }
        }
        catch (IOException)
        {
            // Not Linux: no limit known.
        }

        return null;
    }

    private void Log(string line)
    {
        if (_options.Progress)
        {
            output.WriteLine(line);
        }
    }

    private static double Mb(long? bytes) => bytes is { } b ? Math.Round(b / 1048576.0, 1) : 0;
}
