namespace ChatSocket.Client;

/// <summary>Background work the client starts (a join retried after its backoff) and awaits at disposal, so no task
/// outlives the client unobserved.</summary>
internal sealed class OwnedTasks
{
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _running = [];

    public void Start(Func<Task> work)
    {
        var task = RunAsync(work);
        lock (_gate)
        {
            _running.RemoveWhere(t => t.IsCompleted);
            if (!task.IsCompleted)
            {
                _running.Add(task);
            }
        }
    }

    public Task WhenAllAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_running);
        }
    }

    private static async Task RunAsync(Func<Task> work)
    {
        // Yield first so that Start registers the task before it can finish.
        await Task.Yield();
        try
        {
            await work();
        }
        catch (OperationCanceledException)
        {
            // The client is being disposed: the work no longer matters.
        }
    }
}
