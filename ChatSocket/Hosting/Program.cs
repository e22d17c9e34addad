using ChatSocket.Hosting;

if (args is [TokenCommand.Name, ..])
{
    return TokenCommand.Run(args[1..], Console.Out, Console.Error);
}

try
{
    await using var app = ChatSocketApp.Create(args);
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    // A failed start (bad option, port in use, data directory held by another server) is one line, not a crash dump.
    await Console.Error.WriteLineAsync(StartupFailure.Describe(ex));
    return StartupFailure.ExitCode;
}

/// <summary>Entry point, public so that tests can host the real application.</summary>
public partial class Program;
