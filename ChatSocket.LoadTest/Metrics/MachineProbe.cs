using System.Globalization;

namespace ChatSocket.LoadTest.Metrics;

/// <summary>
/// The whole machine's CPU time from /proc/stat (Linux; null elsewhere). On a shared machine this tells how much CPU
/// other work took during a measurement: busy time minus the server's and the generator's.
/// </summary>
internal static class MachineProbe
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux.

    /// <summary>CPU seconds spent busy on all cores so far (user, nice, system, irq, softirq, steal).</summary>
    public static double? BusySeconds()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal
            return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            // Not Linux.
            return null;
        }
    }
}
