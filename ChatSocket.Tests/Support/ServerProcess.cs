using System.Diagnostics;

namespace ChatSocket.Tests.Support;

/// <summary>The built server (ChatSocket.dll next to the tests, or <see cref="ServerCommand"/>'s executable) run as its
/// own process, as a person runs it.</summary>
internal static class ServerProcess
{
    /// <summary>Runs the server with <paramref name="args"/> and an extra environment; waits at
    /// most a minute for it to exit.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = ServerCommand.For(Path.Combine(AppContext.BaseDirectory, "ChatSocket.dll"));
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
