using System.Diagnostics;
using ChatSocket.LoadTest.Metrics;
using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Report;

namespace ChatSocket.LoadTest.Runner;

/// <summary>
/// Join-storm mode: seeds one room with <see cref="LoadOptions.History"/> messages (ChatSocket), then lets
/// <see cref="LoadOptions.Clients"/> clients connect and join it with history, all at once, and measures how long each
/// waits for its join and its history, and whether the history is complete. Raw peers have no history: there the
/// storm measures connect + upgrade only.
/// </summary>
internal sealed class JoinStormWorkload(LoadOptions options, TextWriter output)
{
    // Seeders stay within ChatSocket's default per-connection burst (40), so seeding is not rate limited.
    private const int MessagesPerSeeder = 20;

    /// <summary>Runs the mode.</summary>
    public async Task<LoadReport> RunAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var chat = options.Protocol == WireProtocol.ChatSocket;
        var seeders = chat ? (options.History + MessagesPerSeeder - 1) / MessagesPerSeeder : 0;
        var stormOptions = options.Clone();
        stormOptions.Rooms = 1;
        stormOptions.SendersPerRoom = Math.Max(1, seeders);
        stormOptions.ClientsPerRoom = options.Clients + stormOptions.SendersPerRoom;
        stormOptions.ConnectConcurrency = Math.Max(options.ConnectConcurrency, options.Clients);
        var state = new RunState(stormOptions, 1);
        var probe = options.ServerPid is { } pid ? new ProcessProbe(pid) : null;
        await using var fleet = new ClientFleet(state);

        var seeded = 0;
        if (chat && seeders > 0)
        {
            var seedClients = Enumerable.Range(0, seeders).Select(i => new LoadClient(state, i, 0, i, trackDeliveries: true)).ToList();
            await fleet.ConnectAsync(seedClients, history: 0, TimeSpan.Zero, zeroByteReads: false, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            for (var m = 0; m < options.History; m++)
            {
                if (fleet.Clients[m % fleet.Clients.Count].SendNext(now))
                {
                    seeded++;
                }
            }

            var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
            while (fleet.Clients.Any(c => c.DeliveriesReceived < seeded) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }

            Log($"join-storm: seeded {seeded} messages with {fleet.Clients.Count} seeders");
        }
        else if (!chat)
        {
            notes.Add("raw protocol: peers have no history; the storm measures connect + upgrade only");
        }

        var seedCount = fleet.Clients.Count;
        var joiners = Enumerable.Range(0, options.Clients).Select(i => new LoadClient(state, seedCount + i, 0, -1, trackDeliveries: false)).ToList();
        var cpuStart = probe?.CpuSeconds();
        long rssPeak = probe?.RssBytes() ?? 0;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = SampleRssAsync(probe, peak => rssPeak = Math.Max(rssPeak, peak), sampling.Token);
        var stormStart = Stopwatch.GetTimestamp();
        Log($"join-storm: {options.Clients} clients join at once, history {options.History}");
        await fleet.ConnectAsync(joiners, options.History, TimeSpan.Zero, zeroByteReads: false, cancellationToken);
        var joined = fleet.Clients.Skip(seedCount).ToList();
        var historyLatency = new LatencyStats();
        historyLatency.StartMeasuring();
        var complete = 0;
        if (chat && options.History > 0)
        {
            try
            {
                await Task.WhenAll(joined.Select(c => c.History)).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            catch (TimeoutException)
            {
                notes.Add("some history frames did not arrive within 30 s");
            }
            catch (TaskCanceledException)
            {
                notes.Add("some connections ended before their history arrived");
            }

            foreach (var client in joined.Where(c => c.HistoryTicks != 0))
            {
                historyLatency.Record((client.HistoryTicks - client.JoinStartedTicks) / RunState.TicksPerMicro);
                if (client.HistoryCount >= Math.Min(options.History, seeded))
                {
                    complete++;
                }
            }
        }

        var stormSeconds = Stopwatch.GetElapsedTime(stormStart).TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        var cpuEnd = probe?.CpuSeconds();
        var dropped = fleet.Dropped;
        await fleet.CloseAsync(TimeSpan.FromSeconds(20));

        return RunReport.Create("join-storm", state, startedAt, fleet, options.Clients + seeders, dropped, stormSeconds, notes) with
        {
            JoinStorm = new JoinStormReport
            {
                Clients = options.Clients,
                Seeded = seeded,
                HistoryRequested = options.History,
                Joined = joined.Count,
                CompleteHistory = complete,
                StormSeconds = Math.Round(stormSeconds, 3),
                JoinLatency = fleet.ConnectLatency(),
                HistoryLatency = historyLatency.StopMeasuring(),
                ServerRssPeakMb = probe is null ? null : Math.Round(rssPeak / 1048576.0, 1),
                ServerCpuSeconds = cpuStart is { } c0 && cpuEnd is { } c1 ? Math.Round(c1 - c0, 2) : null,
            },
            Correct = fleet.ConnectFailures == 0 && dropped == 0 && (!chat || options.History == 0 || complete == joined.Count),
        };
    }

    private static async Task SampleRssAsync(ProcessProbe? probe, Action<long> onSample, CancellationToken cancellationToken)
    {
        if (probe is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (probe.RssBytes() is { } rss)
                {
                    onSample(rss);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped when the storm is over.
        }
    }

    private void Log(string line)
    {
        if (options.Progress)
        {
            output.WriteLine(line);
        }
    }
}
