using System.Globalization;

namespace ChatSocket.LoadTest.Metrics;

/// <summary>Reads a process's resident memory and CPU time from /proc (Linux only; null elsewhere or when it is gone).</summary>
internal sealed class ProcessProbe(int pid)
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux.

    /// <summary>The process id read.</summary>
    public int Pid { get; } = pid;

    /// <summary>Resident set size in bytes (VmRSS).</summary>
    public long? RssBytes() => StatusField("VmRSS:");

    /// <summary>Peak resident set size in bytes (VmHWM).</summary>
    public long? PeakRssBytes() => StatusField("VmHWM:");

    /// <summary>User + system CPU seconds used so far.</summary>
    public double? CpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (user + system) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            // The process ended or /proc is not there.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private long? StatusField(string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith(name, StringComparison.Ordinal))
                {
                    var kb = line[name.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }

            return null;
        }
        catch (IOException)
        {
            // The process ended or /proc is not there.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
