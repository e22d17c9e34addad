using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Hosting;

/// <summary><c>ChatSocket token</c> run as its own process: the token alone on stdout, and the server takes it.</summary>
[TestFixture]
public sealed class TokenCommandTests
{
    [Test]
    public async Task The_token_command_prints_only_a_token_the_server_accepts_with_its_name_and_rooms()
    {
        var (exitCode, stdout, stderr) = await ServerProcess.RunAsync(
            ["token", "--user", "alice", "--rooms", "lobby,team-*", "--ttl", "1h", "--contentRoot", ChatServer.ProjectDirectory],
            new Dictionary<string, string?> { ["Auth__SigningKey"] = TestTokens.Key });
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(lines, Has.Length.EqualTo(1), stdout);

        await using var server = await ChatServer.StartAsync(TestTokens.Settings());
        await using var alice = await server.ConnectWithTokenAsync(lines[0].Trim());
        await alice.SendJsonAsync(new { type = "join", room_id = "team-blue" });
        var joined = await alice.ReceiveTypeAsync("joined", "team-blue");
        await alice.SendJsonAsync(new { type = "join", room_id = "elsewhere" });
        var refused = await alice.ReceiveTypeAsync("error");

        Assert.Multiple(() =>
        {
            Assert.That(joined.GetProperty("users")[0].GetString(), Is.EqualTo("alice"));
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("forbidden"));
        });
    }

    [Test]
    public async Task Without_a_signing_key_the_token_command_says_so_in_one_line_and_exits_1()
    {
        var (exitCode, stdout, stderr) = await ServerProcess.RunAsync(
            ["token", "--user", "alice", "--contentRoot", ChatServer.ProjectDirectory],
            new Dictionary<string, string?> { ["Auth__SigningKey"] = null });

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
            Assert.That(stderr, Does.Contain("Auth:SigningKey is not set"));
        });
    }

    [TestCase("--ttl", "soon", "--ttl soon is not a lifetime", TestName = "A ttl that is not a lifetime is refused")]
    [TestCase("--rooms", "has space!,x", "--rooms", TestName = "A rooms list with a bad entry is refused")]
    public async Task Bad_arguments_are_refused_with_exit_code_1(string option, string value, string message)
    {
        var (exitCode, stdout, stderr) = await ServerProcess.RunAsync(
            ["token", "--user", "alice", option, value, "--contentRoot", ChatServer.ProjectDirectory],
            new Dictionary<string, string?> { ["Auth__SigningKey"] = TestTokens.Key });

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr, Does.Contain(message));
        });
    }
}
