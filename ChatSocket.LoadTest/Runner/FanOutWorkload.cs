using System.Diagnostics;
using ChatSocket.LoadTest.Client;
using ChatSocket.LoadTest.Metrics;
using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Report;

namespace ChatSocket.LoadTest.Runner;

/// <summary>
/// Run and max-rate modes: rooms x clients, some of them senders, open-loop at a rate; each step is warm-up, measurement
/// and drain, and is checked for loss, duplicates, reordering and misrouting.
/// </summary>
internal sealed class FanOutWorkload(RunState state, TextWriter output)
{
    private readonly LoadOptions _options = state.Options;
    private readonly ProcessProbe? _server = state.Options.ServerPid is { } pid ? new ProcessProbe(pid) : null;

    /// <summary>Connects, runs the step(s), checks persistence (ChatSocket run mode) and closes.</summary>
    public async Task<LoadReport> RunAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        await using var fleet = new ClientFleet(state);
        var clients = new List<LoadClient>(_options.TotalClients);
        for (var i = 0; i < _options.TotalClients; i++)
        {
            var room = i / _options.ClientsPerRoom;
            var slot = i % _options.ClientsPerRoom;
            var senderId = slot < _options.SendersPerRoom ? (room * _options.SendersPerRoom) + slot : -1;
            clients.Add(new LoadClient(state, i, room, senderId, trackDeliveries: true));
        }

        Log($"connecting {clients.Count} clients ({_options.Rooms} rooms x {_options.ClientsPerRoom}) to {_options.Url} from {_options.SourceAddresses.Count} source address(es)");
        var connectStart = Stopwatch.GetTimestamp();
        await fleet.ConnectAsync(clients, history: 0, _options.RampUp, zeroByteReads: false, cancellationToken);
        var connectSeconds = Stopwatch.GetElapsedTime(connectStart).TotalSeconds;
        Log($"connected {fleet.Clients.Count}/{clients.Count} in {connectSeconds:F1} s ({fleet.ConnectFailures} failed)");
        if (fleet.ConnectFailures > 0)
        {
            notes.Add($"{fleet.ConnectFailures} of {clients.Count} connections failed; expected deliveries count only connected members");
        }

        // Let presence frames of the joins (ChatSocket) and the servers' own bookkeeping settle before sending.
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        var scheduler = new SendScheduler(state, fleet.Clients);
        var steps = new List<StepReport>();
        double? maxGood = null;
        var rate = _options.Rate;
        var stepCount = _options.Mode == LoadMode.MaxRate ? _options.MaxSteps : 1;
        for (var step = 0; step < stepCount && fleet.Clients.Count > 0; step++)
        {
            var report = await RunStepAsync(fleet, scheduler, rate, step, cancellationToken);
            steps.Add(report);
            if (_options.Mode != LoadMode.MaxRate)
            {
                break;
            }

            var good = report.Correct && report.Drained && report.Latency.P99 <= _options.MaxP99.TotalMilliseconds && report.Latency.Count > 0;
            Log($"step {step + 1}: {rate:F0} msgs/s -> {(good ? "good" : "over the limit")}");
            if (!good)
            {
                break;
            }

            maxGood = rate;
            if (report.GeneratorCpuPercent > 80)
            {
                // Not a stop: the generator's CPU is self-balancing (fuller reads when busier); it fell behind only if
                // deliveries lag, which the step's own verdict already catches.
                notes.Add($"at {rate:F0} msgs/s the generator used {report.GeneratorCpuPercent:F0}% of its core");
            }

            rate *= _options.StepFactor;
        }

        PersistenceReport? persistence = null;
        if (_options.Protocol == WireProtocol.ChatSocket && _options.Mode == LoadMode.Run && _options.CheckPersisted)
        {
            var totals = FleetTotals.Of(fleet.Clients);
            persistence = await new HistoryApiCheck(state).RunAsync(totals.Sent, totals.Acks, cancellationToken);
            if (persistence.Note is { } note)
            {
                notes.Add(note);
            }
        }

        var dropped = fleet.Dropped;
        await fleet.CloseAsync(TimeSpan.FromSeconds(10));
        foreach (var s in steps.Where(s => s.MaxSendLagMs > 100))
        {
            notes.Add($"at {s.OfferedMessagesPerSecond:F0} msgs/s messages left the generator up to {s.MaxSendLagMs:F0} ms late: latency includes the generator's own delay");
        }

        if (_options.ReceiveTime == ReceiveTimeSource.Kernel)
        {
            notes.Add($"arrival times from the kernel's stamps: {KernelReceiveClock.StampedReads} reads stamped, {KernelReceiveClock.UnstampedReads} timed on reading");
        }

        var mode = _options.Mode == LoadMode.MaxRate ? "max-rate" : "run";
        return RunReport.Create(mode, state, startedAt, fleet, clients.Count, dropped, connectSeconds, notes) with
        {
            Steps = steps,
            MaxSustainableMessagesPerSecond = _options.Mode == LoadMode.MaxRate ? maxGood : null,
            MaxSustainableDeliveriesPerSecond = _options.Mode == LoadMode.MaxRate ? maxGood * _options.ClientsPerRoom : null,
            Persistence = persistence,
            Correct = steps.Count > 0 && (_options.Mode == LoadMode.MaxRate ? steps[0].Correct : steps.All(s => s.Correct))
                && fleet.ConnectFailures == 0 && dropped == 0,
        };
    }

    private async Task<StepReport> RunStepAsync(ClientFleet fleet, SendScheduler scheduler, double rate, int step, CancellationToken cancellationToken)
    {
        var clients = fleet.Clients;
        var stepStart = FleetTotals.Of(clients);
        var expectedAtStart = scheduler.Expected;
        var dropsAtStart = scheduler.Drops;
        var droppedAtStart = fleet.Dropped;
        var duplicatesAtStart = clients.Sum(c => c.Duplicates);
        var outOfOrderAtStart = clients.Sum(c => c.OutOfOrder);
        var phase = _options.Warmup > TimeSpan.Zero ? "warmup" : "measure";
        Log($"step {step + 1}: {rate:F0} msgs/s offered ({rate * _options.ClientsPerRoom:F0} deliveries/s), warm-up {_options.Warmup.TotalSeconds:F0} s, measure {_options.Duration.TotalSeconds:F0} s");

        FleetTotals measureStart = default;
        long measureStartTicks = 0;
        TimeSpan generatorCpuStart = default;
        double? serverCpuStart = null;
        long? serverRssStart = null;
        long serverRssPeak = 0;
        double? machineBusyStart = null;
        var previous = stepStart;
        var timeline = new List<ProgressSample>();
        using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ProgressLoop.RunAsync(
            second =>
            {
                var now = FleetTotals.Of(clients);
                var delta = now - previous;
                previous = now;
                var p99 = state.Deliveries.TakeProgress().P99;
                state.Acks.TakeProgress();
                var rss = _server?.RssBytes();
                if (rss is { } bytes)
                {
                    serverRssPeak = Math.Max(serverRssPeak, bytes);
                }

                timeline.Add(new ProgressSample
                {
                    Second = second,
                    Phase = phase,
                    Connections = fleet.Open,
                    Sent = delta.Sent,
                    Delivered = delta.Delivered,
                    P99Ms = p99,
                    ServerRssMb = rss is null ? null : Mb(rss),
                });

                if (_options.Progress)
                {
                    output.WriteLine(
                        $"[{second,4}s] {phase,-7} conns {fleet.Open}/{clients.Count}  sent/s {delta.Sent,8:N0}  delivered/s {delta.Delivered,10:N0}  " +
                        $"p99 {p99,8:F1} ms  acks/s {delta.Acks,7:N0}  errors {state.ErrorCount() + scheduler.Drops}");
                }
            },
            progressStop.Token);

        var maxLag = await scheduler.RunAsync(
            rate,
            _options.Warmup,
            _options.Duration,
            () =>
            {
                phase = "measure";
                state.Deliveries.StartMeasuring();
                state.Acks.StartMeasuring();
                measureStart = FleetTotals.Of(clients);
                measureStartTicks = Stopwatch.GetTimestamp();
                generatorCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
                serverCpuStart = _server?.CpuSeconds();
                serverRssStart = _server?.RssBytes();
                machineBusyStart = MachineProbe.BusySeconds();
            },
            cancellationToken);

        var measureEnd = FleetTotals.Of(clients);
        var seconds = Stopwatch.GetElapsedTime(measureStartTicks).TotalSeconds;
        var generatorCpu = (Process.GetCurrentProcess().TotalProcessorTime - generatorCpuStart).TotalSeconds;
        var serverCpuEnd = _server?.CpuSeconds();
        var serverRssEnd = _server?.RssBytes();
        var machineBusyEnd = MachineProbe.BusySeconds();
        phase = "drain";

        var drained = await DrainAsync(clients, scheduler, stepStart, expectedAtStart, cancellationToken);
        await progressStop.CancelAsync();
        await progress;
        var latency = state.Deliveries.StopMeasuring();
        var ackLatency = state.Acks.StopMeasuring();
        var stepEnd = FleetTotals.Of(clients);
        var stepTotals = stepEnd - stepStart;
        var measured = measureEnd - measureStart;
        var expected = scheduler.Expected - expectedAtStart;
        var duplicates = clients.Sum(c => c.Duplicates) - duplicatesAtStart;
        var outOfOrder = clients.Sum(c => c.OutOfOrder) - outOfOrderAtStart;
        var disconnects = fleet.Dropped - droppedAtStart;
        ServerUsage? server = null;
        if (serverCpuStart is { } cpuStart && serverCpuEnd is { } cpuEnd)
        {
            server = new ServerUsage
            {
                CpuSeconds = Math.Round(cpuEnd - cpuStart, 2),
                CpuSecondsPerMillion = measured.Delivered > 0 ? Math.Round((cpuEnd - cpuStart) / (measured.Delivered / 1e6), 3) : 0,
                CpuPercent = Math.Round((cpuEnd - cpuStart) / seconds * 100, 1),
                RssStartMb = Mb(serverRssStart),
                RssEndMb = Mb(serverRssEnd),
                RssPeakMb = Mb(Math.Max(serverRssPeak, Math.Max(serverRssStart ?? 0, serverRssEnd ?? 0))),
            };
        }

        double? machineBusy = machineBusyStart is { } b0 && machineBusyEnd is { } b1 ? (b1 - b0) / seconds * 100 : null;
        double? otherCpu = machineBusy is { } busy ? busy - (generatorCpu / seconds * 100) - (server?.CpuPercent ?? 0) : null;
        var lost = expected - stepTotals.Delivered;
        return new StepReport
        {
            OfferedMessagesPerSecond = Math.Round(rate, 1),
            OfferedDeliveriesPerSecond = Math.Round(rate * _options.ClientsPerRoom, 1),
            WarmupSeconds = _options.Warmup.TotalSeconds,
            DurationSeconds = Math.Round(seconds, 3),
            Sent = measured.Sent,
            SentPerSecond = Math.Round(measured.Sent / seconds, 1),
            Delivered = measured.Delivered,
            DeliveredPerSecond = Math.Round(measured.Delivered / seconds, 1),
            ExpectedTotal = expected,
            DeliveredTotal = stepTotals.Delivered,
            DeliveredRatio = expected > 0 ? Math.Round((double)stepTotals.Delivered / expected, 6) : 0,
            Lost = lost,
            Duplicates = duplicates,
            OutOfOrder = outOfOrder,
            Misrouted = stepTotals.Misrouted,
            SendDrops = scheduler.Drops - dropsAtStart,
            ErrorFrames = stepTotals.ErrorFrames,
            Disconnects = disconnects,
            Latency = latency,
            Acks = stepTotals.Acks,
            AckLatency = ackLatency,
            MaxSendLagMs = Math.Round(maxLag, 2),
            GeneratorCpuPercent = Math.Round(generatorCpu / seconds * 100, 1),
            Server = server,
            MachineBusyPercent = machineBusy is { } mb ? Math.Round(mb, 1) : null,
            OtherCpuPercent = otherCpu is { } oc ? Math.Round(Math.Max(0, oc), 1) : null,
            Drained = drained,
            Timeline = timeline,
            Correct = lost == 0 && duplicates == 0 && outOfOrder == 0 && stepTotals.Misrouted == 0 && disconnects == 0
                && scheduler.Drops == dropsAtStart,
        };
    }

    /// <summary>Waits until every expected delivery (and, once acks are seen, every ack) has arrived, or the drain time
    /// is up.</summary>
    private async Task<bool> DrainAsync(IReadOnlyList<LoadClient> clients, SendScheduler scheduler, FleetTotals stepStart, long expectedAtStart, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.Drain.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var totals = FleetTotals.Of(clients) - stepStart;
            var deliveriesDone = totals.Delivered >= scheduler.Expected - expectedAtStart;
            var acksDone = totals.Acks == 0 || totals.Acks >= totals.Sent;
            if (deliveriesDone && acksDone)
            {
                return true;
            }

            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
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
