using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ChatSocket.Tests.Backplane;

/// <summary>
/// A real <c>redis-server</c> (Debian's package) on a free port of 127.0.0.1, in a temporary directory: empty
/// (<c>--save "" --appendonly no</c>) or with an append-only file. It can be stopped and started again on the same
/// port, as an outage looks to the nodes.
/// </summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatsocket-redis-").FullName;
    private readonly bool _appendOnly;
    private Process? _process;

    private RedisProcess(int port, bool appendOnly)
    {
        Port = port;
        _appendOnly = appendOnly;
    }

    public int Port { get; }

    /// <summary>The <c>Backplane:Redis</c> setting for it.</summary>
    public string ConfigurationString => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync(bool appendOnly = false)
    {
        if (!File.Exists("/usr/bin/redis-server"))
        {
            Assert.Ignore("redis-server is not installed (apt-get install redis-server; scripts/test.sh does)");
        }

        var redis = new RedisProcess(FreePort(), appendOnly);
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts the server (again) on its port; with an append-only file it reloads what it had.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/redis-server")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", _appendOnly ? "yes" : "no", "--appendfsync", "always" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(TimeSpan.FromSeconds(1));
                return;
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException)
            {
                if (DateTime.UtcNow > deadline || _process.HasExited)
                {
                    throw new InvalidOperationException($"redis-server did not start on port {Port}", ex);
                }

                await Task.Delay(20);
            }
        }
    }

    /// <summary>Kills the server (no save): what a crash or a lost host looks like.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A port nothing listens on right now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
