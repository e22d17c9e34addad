using System.Globalization;
using ChatSocket.LoadTest.Metrics;

namespace ChatSocket.LoadTest.Report;

/// <summary>The human-readable summary of a <see cref="LoadReport"/>.</summary>
internal static class ReportText
{
    /// <summary>Writes the summary.</summary>
    public static void Write(LoadReport report, TextWriter output)
    {
        var w = new Writer(output);
        w.Line("");
        w.Line($"== ChatSocket.LoadTest {report.Mode} ({report.Protocol}) against {report.Url} ==");
        w.Line($"machine: {report.Environment.MachineCores} cores, {report.Environment.MachineMemoryGib} GiB; generator on {report.Environment.GeneratorCores} core(s), {report.Environment.Runtime}");
        var c = report.Connections;
        w.Line($"connections: {c.Connected}/{c.Requested} open, {c.Failed} failed, {c.Dropped} dropped; connect phase {c.ConnectPhaseSeconds} s, connect latency {Latency(c.ConnectLatency)}");
        foreach (var (step, i) in report.Steps.Select((s, i) => (s, i)))
        {
            w.Line($"-- step {i + 1}: offered {step.OfferedMessagesPerSecond:N0} msgs/s = {step.OfferedDeliveriesPerSecond:N0} deliveries/s (warm-up {step.WarmupSeconds} s, measured {step.DurationSeconds:F1} s)");
            w.Line($"   sent {step.SentPerSecond:N0}/s, delivered {step.DeliveredPerSecond:N0}/s");
            w.Line($"   latency {Latency(step.Latency)}");
            w.Line($"   correctness: expected {step.ExpectedTotal:N0}, received {step.DeliveredTotal:N0}, lost {step.Lost:N0}, duplicates {step.Duplicates:N0}, out-of-order {step.OutOfOrder:N0}, misrouted {step.Misrouted:N0}, disconnects {step.Disconnects}, error frames {step.ErrorFrames:N0}, generator drops {step.SendDrops:N0} -> {(step.Correct ? "OK" : "FAILED")}{(step.Drained ? "" : " (drain timed out)")}");
            if (report.Protocol == "chatsocket")
            {
                w.Line($"   acks {step.Acks:N0}, ack latency {Latency(step.AckLatency)}");
            }

            w.Line($"   generator CPU {step.GeneratorCpuPercent}% of a core, max send lag {step.MaxSendLagMs} ms; machine busy {step.MachineBusyPercent}%, other work {step.OtherCpuPercent}% of a core");
            if (step.Server is { } s)
            {
                w.Line($"   server CPU {s.CpuSeconds} s ({s.CpuPercent}% of a core, {s.CpuSecondsPerMillion} s per million deliveries), RSS {s.RssStartMb} -> {s.RssEndMb} MB (peak {s.RssPeakMb})");
            }
        }

        if (report.MaxSustainableMessagesPerSecond is { } max)
        {
            w.Line($"max sustainable rate: {max:N0} msgs/s = {report.MaxSustainableDeliveriesPerSecond:N0} deliveries/s");
        }
        else if (report.Mode == "max-rate")
        {
            w.Line("max sustainable rate: none (the first step already failed)");
        }

        if (report.Persistence is { } p)
        {
            w.Line(p.Checked ? $"persisted: {p.Persisted:N0} of {p.Sent:N0} sent ({p.Acked:N0} acked), {p.Requests} history requests" : $"persisted: not checked");
        }

        if (report.Idle is { } idle)
        {
            w.Line($"idle: {idle.Held:N0} held {idle.HoldSeconds} s, {idle.DroppedWhileHeld} dropped; server RSS {idle.ServerRssBaselineMb} -> {idle.ServerRssHeldMb} MB = {idle.ServerKibPerConnection} KiB per connection; generator {idle.GeneratorKibPerConnection} KiB per connection; server CPU while held {idle.ServerCpuSecondsWhileHeld} s");
        }

        if (report.JoinStorm is { } j)
        {
            w.Line($"join storm: {j.Joined}/{j.Clients} joined in {j.StormSeconds} s, {j.CompleteHistory} with complete history ({j.Seeded} seeded, {j.HistoryRequested} asked)");
            w.Line($"   join latency {Latency(j.JoinLatency)}");
            w.Line($"   history latency {Latency(j.HistoryLatency)}");
            w.Line($"   server RSS peak {j.ServerRssPeakMb} MB, CPU {j.ServerCpuSeconds} s");
        }

        foreach (var (code, count) in report.Errors)
        {
            w.Line($"error: {code} x {count}");
        }

        foreach (var note in report.Notes)
        {
            w.Line($"note: {note}");
        }

        w.Line($"result: {(report.Correct ? "correct" : "NOT correct")}");
    }

    private static string Latency(LatencySummary l) => l.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"p50 {l.P50} / p90 {l.P90} / p99 {l.P99} / p99.9 {l.P999} / max {l.Max} ms ({l.Count:N0} samples)");

    private sealed class Writer(TextWriter output)
    {
        public void Line(string text) => output.WriteLine(text);
    }
}
