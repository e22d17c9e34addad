using System.Text.Json;
using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Report;
using ChatSocket.LoadTest.Runner;

// Run socket continuations on the epoll thread instead of hopping to the thread pool: the receive handlers never
// block, and on a generator pinned to one core the hop costs more than the work. Read by the runtime at the first
// socket use, so it must be set before any; an explicit setting in the environment wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

var options = LoadOptionsParser.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error == "help" ? LoadOptionsParser.Usage : $"{error}{Environment.NewLine}{Environment.NewLine}{LoadOptionsParser.Usage}");
    return error == "help" ? 0 : 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C stops the run cleanly; the connections are closed and no report is written.
    e.Cancel = true;
    stop.Cancel();
};

LoadReport report;
try
{
    report = await LoadRunner.RunAsync(options, Console.Out, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("stopped");
    return 130;
}

ReportText.Write(report, Console.Out);
if (options.JsonPath is { } path)
{
    await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, ReportJsonContext.Default.LoadReport));
    Console.WriteLine($"report written to {path}");
}

return report.Correct ? 0 : 3;
