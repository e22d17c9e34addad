namespace ChatSocket.Connections;

/// <summary>
/// WebSockets that run on their own after their connection was detached from Kestrel (the lean transport, issue 11):
/// Kestrel's per-connection state (its connection object and dispatch loop, its logging scope, the middleware chain
/// that would otherwise wait for the socket's whole life) is released once the 101 is sent. Each one is counted while
/// it runs, and the host's stop waits (within its own timeout) until none is left: every client has taken its 1001
/// and every loop has ended. A served connection never throws here; what escapes its own handling is logged.
/// </summary>
internal sealed partial class DetachedConnections(ILogger<DetachedConnections> logger) : IHostedService
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // The connections, plus one for the service itself until it stops, so that this meets zero only once stopping.
    private int _running = 1;
    private int _connections;

    /// <summary>Connections running now.</summary>
    public int Count => Volatile.Read(ref _connections);

    /// <summary>
    /// Starts <paramref name="serve"/> on the thread pool with no execution context, so that nothing of the caller's
    /// (Kestrel's logging scope) stays referenced by a connection that lives for hours; the connection's own logging
    /// scope flows from there as usual. Counted until it ends.
    /// </summary>
    public void Run<TState>(Func<TState, Task> serve, TState state)
    {
        Interlocked.Increment(ref _running);
        Interlocked.Increment(ref _connections);
        ThreadPool.UnsafeQueueUserWorkItem(static run => run.Self.Start(run.Serve, run.State), (Self: this, Serve: serve, State: state), preferLocal: false);
    }

    // Observed by RunCountedAsync itself, which never faults; the count is what the stop waits on.
    private void Start<TState>(Func<TState, Task> serve, TState state) => _ = RunCountedAsync(serve, state);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Done();
        // The connections close themselves on the host's stopping (1001, then the close and shutdown timeouts).
        await _drained.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_drained.Task.IsCompleted)
        {
            LogNotDrained(logger, Count);
        }
    }

    private async Task RunCountedAsync<TState>(Func<TState, Task> serve, TState state)
    {
        try
        {
            await serve(state);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
            Done();
        }
    }

    private void Done()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            _drained.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "A WebSocket connection failed after its upgrade")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Shutting down: {Count} WebSocket connections had not ended when the host's shutdown timeout ran out")]
    private static partial void LogNotDrained(ILogger logger, int count);
}
