using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// The standalone store (<c>dotnet ChatSocket.EmbeddedMongo.dll --port N --dbpath DIR</c>, how the benchmarks and a
/// deployment run it out of the server's process): a start that fails is one line and exit code 1, not a stack trace.
/// </summary>
[TestFixture]
public sealed class StandaloneStartTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_port_in_use_is_one_line_naming_the_port_and_exit_code_1()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var data = TestDirectory.Create();

        var (code, stdout, stderr) = await RunStoreAsync("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dbpath", data);
        Directory.Delete(data, recursive: true);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(stderr.Trim(), Does.StartWith($"The store cannot start: port {port} is in use"));
            Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
            Assert.That(stdout + stderr, Does.Not.Contain("   at "), "no stack trace");
        });
    }

    [Test]
    public async Task An_out_of_range_port_is_one_line_and_exit_code_1()
    {
        var (code, stdout, stderr) = await RunStoreAsync("--port", "70000");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(stderr.Trim(), Does.StartWith("The store cannot start: EmbeddedMongo options are out of range"));
            Assert.That(stdout + stderr, Does.Not.Contain("   at "), "no stack trace");
        });
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunStoreAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet");
        // The store's own build (its dependencies are not all next to the tests).
        start.ArgumentList.Add(Path.Combine(ChatServer.ProjectDirectory, "..", "ChatSocket.EmbeddedMongo", "bin", ProcessRun.BuildConfiguration, "net10.0", "ChatSocket.EmbeddedMongo.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return ProcessRun.RunAsync(start, Deadline);
    }
}
