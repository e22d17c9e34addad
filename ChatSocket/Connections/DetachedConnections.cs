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
    /// Starts a detached connection: <paramref name="start"/> runs on the thread pool with no execution context, so
    /// that nothing of the caller's (Kestrel's logging scope) stays referenced by a connection that lives for hours;
    /// the connection's own logging scope flows from there as usual. What <paramref name="start"/> starts must call
    /// <see cref="Ended"/> exactly once when the connection has ended (it is counted until then) and must not fault:
    /// with no method of this class parked per connection, its own is the only one (issue 11).
    /// </summary>
    public void Run<TState>(Action<TState> start, TState state)
    {
        Interlocked.Increment(ref _running);
        Interlocked.Increment(ref _connections);
        ThreadPool.UnsafeQueueUserWorkItem(start, state, preferLocal: false);
    }

    /// <summary>A connection started by <see cref="Run"/> has ended; <paramref name="failure"/>, if any, is logged.</summary>
    public void Ended(Exception? failure = null)
    {
        if (failure is not null)
        {
            LogFailed(logger, failure);
        }

        Interlocked.Decrement(ref _connections);
        Done();
    }

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
