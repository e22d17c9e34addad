using System.Net;
using System.Net.Sockets;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Hosting;

/// <summary>The server run as a person runs it (its own process): a failed start is one clear line and exit code 1.</summary>
[TestFixture]
public sealed class StartupFailureTests
{
    [Test]
    public async Task An_invalid_option_is_one_line_naming_the_setting_and_exit_code_1()
    {
        var (exitCode, stdout, stderr) = await RunServerAsync("--Chat:MaxConnections=-5");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
        Assert.That(stderr, Does.Contain("Chat:MaxConnections"));
        Assert.That(stdout + stderr, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"));
    }

    [Test]
    public async Task A_write_concern_that_is_not_majority_or_a_node_count_is_refused()
    {
        var (exitCode, _, stderr) = await RunServerAsync("--Mongo:WriteConcern=banana");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("Mongo:WriteConcern"));
    }

    [Test]
    public async Task A_port_in_use_is_one_line_and_exit_code_1()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var (exitCode, stdout, stderr) = await RunServerAsync("--urls", $"http://127.0.0.1:{port}");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("address already in use").And.Contain("--urls"));
        Assert.That(stdout + stderr, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"));
    }

    [Test]
    public async Task A_misspelled_setting_is_warned_about_with_the_likely_key()
    {
        var (exitCode, stdout, _) = await RunServerAsync("--Chat:MaxConections=5", "--Mongo:WriteConcern=0");

        Assert.That(exitCode, Is.EqualTo(1), "stopped by the invalid value, after the warning");
        Assert.That(stdout, Does.Contain("Unknown setting Chat:MaxConections is ignored (did you mean Chat:MaxConnections?)"));
    }

    [Test]
    public async Task A_signing_key_shorter_than_32_bytes_is_one_line_naming_Auth_SigningKey()
    {
        var (exitCode, stdout, stderr) = await RunServerAsync("--Auth:SigningKey=too-short");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
        Assert.That(stderr, Does.Contain("Auth:SigningKey has 9 bytes").And.Contain("at least 32"));
        Assert.That(stdout + stderr, Does.Not.Contain("too-short"), "the key itself is never printed");
    }

    [Test]
    public async Task An_authority_without_an_audience_is_refused()
    {
        var (exitCode, _, stderr) = await RunServerAsync("--Auth:Authority=https://login.example");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("Auth:Audience is required with Auth:Authority"));
    }

    // Runs the built server with the embedded store in memory on a free port.
    private static Task<(int ExitCode, string Stdout, string Stderr)> RunServerAsync(params string[] args) =>
        ServerProcess.RunAsync(["--contentRoot", ChatServer.ProjectDirectory, "--Embedded:DataDirectory=", "--urls", "http://127.0.0.1:0", .. args]);
}
