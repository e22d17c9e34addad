using System.Diagnostics;

namespace ChatSocket.Tests.Support;

/// <summary>Runs a program to its end and keeps what it printed: the server's or the store's start, as a person runs it.</summary>
internal static class ProcessRun
{
    /// <summary>The build configuration the tests run in (Debug or Release), which the projects beside them were built in.</summary>
    public static string BuildConfiguration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>Starts <paramref name="start"/> with its output redirected and waits for it to exit; a program still
    /// running after <paramref name="timeout"/> is killed and the wait fails.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
