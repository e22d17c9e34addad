namespace ChatSocket.Tests.Support;

/// <summary>The built server (ChatSocket.dll next to the tests, or <see cref="ServerCommand"/>'s executable) run as its
/// own process, as a person runs it.</summary>
internal static class ServerProcess
{
    /// <summary>Runs the server with <paramref name="args"/> and an extra environment; waits at
    /// most a minute for it to exit.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = ServerCommand.For(Path.Combine(AppContext.BaseDirectory, "ChatSocket.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return ProcessRun.RunAsync(start, TimeSpan.FromSeconds(60));
    }
}
