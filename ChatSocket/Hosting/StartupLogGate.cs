namespace ChatSocket.Hosting;

/// <summary>
/// Keeps the host's own "Hosting failed to start" log entry (an exception with its stack trace) off the console
/// until the application has started: a failed start is reported as one line by <see cref="StartupFailure"/>. After
/// the start the host's entries pass as usual (a background service that fails is still logged in full).
/// </summary>
internal sealed class StartupLogGate
{
    /// <summary>The host's log category.</summary>
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private volatile bool _started;

    /// <summary>Lets the host's log entries through from now on.</summary>
    public void Open() => _started = true;

    /// <summary>The filter of the host's category: nothing before the start, then Information and above.</summary>
    public bool Allows(LogLevel level) => _started && level >= LogLevel.Information;
}
