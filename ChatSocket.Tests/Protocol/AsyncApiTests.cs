using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatSocket.Protocol;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Protocol;

/// <summary>
/// docs/asyncapi.yaml against the AsyncAPI parser (npm's @asyncapi/parser, run by tools/asyncapi/check.mjs) and
/// against the server's code: every frame type the server accepts or sends is documented, every error code is
/// listed, and every client example parses with the server's own parser.
/// </summary>
[TestFixture]
public sealed partial class AsyncApiTests
{
    private static readonly string Root = Path.GetDirectoryName(ChatServer.ProjectDirectory)!;

    private JsonElement _checked;

    [OneTimeSetUp]
    public async Task CheckTheDocumentAsync()
    {
        var tool = Path.Combine(Root, "tools", "asyncapi");
        Assert.That(Directory.Exists(Path.Combine(tool, "node_modules", "@asyncapi")), Is.True,
            "the AsyncAPI parser is not installed: run `npm ci --prefix tools/asyncapi` (scripts/test.sh does)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = tool, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("check.mjs");
        start.ArgumentList.Add(Path.Combine(Root, "docs", "asyncapi.yaml"));
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(node.ExitCode, Is.Zero, await errors);
        _checked = JsonDocument.Parse(await output).RootElement.Clone();
    }

    [Test]
    public void The_document_is_valid_AsyncAPI()
    {
        Assert.That(_checked.GetProperty("valid").GetBoolean(), Is.True, string.Join("\n", _checked.GetProperty("errors").EnumerateArray()));
    }

    [Test]
    public void Every_frame_type_the_server_accepts_is_documented_as_received()
    {
        var accepted = ClientParserTypes().Matches(Source("Protocol", "ClientRequestParser.cs")).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.That(accepted, Is.Not.Empty);
        Assert.That(Types("receive"), Is.SupersetOf(accepted));
    }

    [Test]
    public void Every_frame_type_the_server_sends_is_documented_as_sent()
    {
        var sent = ServerFrameTypes().Matches(Source("Protocol", "ServerFrames.cs")).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.That(sent, Is.Not.Empty);
        Assert.That(Types("send"), Is.SupersetOf(sent));
    }

    [Test]
    public void Every_error_code_is_listed()
    {
        var codes = ErrorCodeValues().Matches(Source("Protocol", "ErrorCodes.cs")).Select(m => m.Groups[1].Value).ToHashSet();
        var documented = Messages("send").Single(m => m.GetProperty("type").GetString() == "error").GetProperty("codes").EnumerateArray().Select(c => c.GetString());

        Assert.That(codes, Is.Not.Empty);
        Assert.That(documented, Is.SupersetOf(codes));
    }

    [Test]
    public void Every_client_example_parses_with_the_servers_parser()
    {
        foreach (var message in Messages("receive"))
        {
            foreach (var example in message.GetProperty("examples").EnumerateArray())
            {
                var text = example.ValueKind == JsonValueKind.String ? example.GetString()! : example.GetRawText();
                var status = ClientRequestParser.Parse(Encoding.UTF8.GetBytes(text), out var request, out var error);
                var expected = example.ValueKind == JsonValueKind.String ? ParseStatus.PlainText : ParseStatus.Request;

                Assert.That(status, Is.EqualTo(expected), $"{message.GetProperty("name").GetString()}: {text} -> {error?.Message}");
                if (request is not null)
                {
                    Assert.That(request.Kind.ToString(), Is.EqualTo(example.GetProperty("type").GetString()).IgnoreCase);
                }
            }
        }
    }

    private IEnumerable<JsonElement> Messages(string direction) =>
        _checked.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("direction").GetString() == direction);

    private HashSet<string> Types(string direction) =>
        [.. Messages(direction).Select(m => m.GetProperty("type")).Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)];

    private static string Source(string folder, string file) => File.ReadAllText(Path.Combine(ChatServer.ProjectDirectory, folder, file));

    [GeneratedRegex("""case "([a-z_]+)": kind = ClientRequestKind""")]
    private static partial Regex ClientParserTypes();

    [GeneratedRegex("""WriteString\("type"u8, "([a-z_]+)"u8\)""")]
    private static partial Regex ServerFrameTypes();

    [GeneratedRegex("""public const string \w+ = "([a-z_]+)";""")]
    private static partial Regex ErrorCodeValues();
}
