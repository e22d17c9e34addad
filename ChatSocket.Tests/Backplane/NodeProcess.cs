using System.Diagnostics;
using System.Net;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Backplane;

/// <summary>
/// A node run as its own process (<c>dotnet ChatSocket.dll</c>, the build of the ChatSocket project, or the executable of
/// <see cref="ServerCommand"/>), so that a test
/// can kill it the hard way, SIGKILL: no drain, no close frames, no goodbye to Redis; what a crashed host looks like.
/// It stores into the test run's MongoDB (<see cref="TestStore"/>) and takes its settings as environment variables.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public static async Task<NodeProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var dll = Path.Combine(ChatServer.ProjectDirectory, "bin", ProcessRun.BuildConfiguration, "net10.0", "ChatSocket.dll");
        if (ServerCommand.Executable is null && !File.Exists(dll))
        {
            Assert.Inconclusive($"{dll} is not built (dotnet build ChatSocket.sln)");
        }

        var baseUri = new Uri($"http://127.0.0.1:{RedisProcess.FreePort()}/");
        var start = ServerCommand.For(dll);
        start.WorkingDirectory = ChatServer.ProjectDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var argument in new[] { "--urls", baseUri.GetLeftPart(UriPartial.Authority), "--contentRoot", ChatServer.ProjectDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        var effective = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Mongo"] = TestStore.ConnectionString,
            ["Persistence:DataDirectory"] = TestStore.NewDataDirectory(),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            effective[key] = value;
        }

        foreach (var (key, value) in effective)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Remember(output, e.Data);
        process.ErrorDataReceived += (_, e) => Remember(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new NodeProcess(process, baseUri);
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return node;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                await node.DisposeAsync();
                throw new InvalidOperationException("the node process did not become ready:\n" + string.Join('\n', output));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A client of this node.</summary>
    public Task<ChatClient> ConnectAsync(string user) =>
        ChatClient.ConnectAsync(new UriBuilder(BaseUri) { Scheme = "ws", Path = "/ws", Query = "user=" + Uri.EscapeDataString(user) }.Uri);

    /// <summary>SIGKILL, and waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(ChatServer.Deadline);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    // The output of a failed start, for the test's message; bounded.
    private static void Remember(System.Collections.Concurrent.ConcurrentQueue<string> output, string? line)
    {
        if (line is not null && output.Count < 200)
        {
            output.Enqueue(line);
        }
    }
}
