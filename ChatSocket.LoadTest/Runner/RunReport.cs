using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Report;

namespace ChatSocket.LoadTest.Runner;

/// <summary>
/// The part of a <see cref="LoadReport"/> that every workload fills the same way (identity, timing, shape,
/// environment, connections, errors); a workload adds its own section and verdict with <c>with</c>.
/// </summary>
internal static class RunReport
{
    /// <summary>The common report of a run whose shape is <paramref name="state"/>'s options.</summary>
    /// <param name="mode">The mode's name in the report.</param>
    /// <param name="state">The run; its options are echoed as the workload.</param>
    /// <param name="startedAt">When the run started (elapsed time is measured to now).</param>
    /// <param name="fleet">The connected clients.</param>
    /// <param name="requested">Connections the workload asked for.</param>
    /// <param name="dropped">Connections lost before the fleet was closed.</param>
    /// <param name="connectSeconds">How long the connect phase took.</param>
    /// <param name="notes">Notes gathered during the run.</param>
    public static LoadReport Create(
        string mode, RunState state, DateTimeOffset startedAt, ClientFleet fleet, int requested, int dropped, double connectSeconds, List<string> notes)
    {
        var options = state.Options;
        return new LoadReport
        {
            Mode = mode,
            Protocol = options.Protocol == WireProtocol.Raw ? "raw" : "chatsocket",
            Url = options.Url.ToString(),
            StartedAt = startedAt,
            ElapsedSeconds = (DateTimeOffset.UtcNow - startedAt).TotalSeconds,
            Workload = LoadRunner.Echo(options),
            Environment = LoadRunner.Environment(options),
            Connections = new ConnectionsReport
            {
                Requested = requested,
                Connected = fleet.Clients.Count,
                Failed = fleet.ConnectFailures,
                Dropped = dropped,
                ConnectPhaseSeconds = Math.Round(connectSeconds, 2),
                ConnectLatency = fleet.ConnectLatency(),
                SourceAddresses = options.SourceAddresses.Count,
            },
            Errors = state.Errors(),
            Notes = notes,
        };
    }
}
