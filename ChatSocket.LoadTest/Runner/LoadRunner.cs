using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Report;

namespace ChatSocket.LoadTest.Runner;

/// <summary>The tool's core, callable as a library (the smoke test runs it in-process).</summary>
internal static class LoadRunner
{
    /// <summary>Runs the mode that <paramref name="options"/> names and returns its report. Progress lines go to
    /// <paramref name="output"/> unless <see cref="LoadOptions.Progress"/> is off.</summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static async Task<LoadReport> RunAsync(LoadOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        var startedAt = DateTimeOffset.UtcNow;
        return options.Mode switch
        {
            LoadMode.Idle => await new IdleWorkload(new RunState(options, options.Rooms), output).RunAsync(startedAt, cancellationToken),
            LoadMode.JoinStorm => await new JoinStormWorkload(options, output).RunAsync(startedAt, cancellationToken),
            _ => await new FanOutWorkload(new RunState(options, options.Rooms), output).RunAsync(startedAt, cancellationToken),
        };
    }

    /// <summary>The workload's shape for the report.</summary>
    internal static WorkloadEcho Echo(LoadOptions options) => new()
    {
        Rooms = options.Rooms,
        ClientsPerRoom = options.ClientsPerRoom,
        SendersPerRoom = options.SendersPerRoom,
        Rate = options.Rate,
        Size = options.Size,
        WarmupSeconds = options.Warmup.TotalSeconds,
        DurationSeconds = options.Duration.TotalSeconds,
        RoomPrefix = options.RoomPrefix,
        ReceiveTime = options.ReceiveTime == ReceiveTimeSource.Kernel ? "kernel" : "user",
    };

    /// <summary>Where the run happened.</summary>
    internal static EnvironmentEcho Environment(LoadOptions options) => new()
    {
        ServerPid = options.ServerPid,
        MachineCores = MachineCores(),
        MachineMemoryGib = MachineMemoryGib(),
    };

    private static int MachineCores()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            // Not Linux: the affinity-limited count is the best we have.
            return System.Environment.ProcessorCount;
        }
    }

    private static double MachineMemoryGib()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kb = line?["MemTotal:".Length..].Trim().Split(' ')[0];
            return kb is null ? 0 : Math.Round(long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) / 1048576.0, 1);
        }
        catch (IOException)
        {
            // Not Linux.
            return 0;
        }
    }
}
