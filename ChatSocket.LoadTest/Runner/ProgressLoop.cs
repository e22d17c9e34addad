namespace ChatSocket.LoadTest.Runner;

/// <summary>Calls a callback once a second until stopped (the progress line, RSS sampling).</summary>
internal static class ProgressLoop
{
    /// <summary>Runs <paramref name="onTick"/> every second until <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunAsync(Action<int> onTick, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var second = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                onTick(++second);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by its owner at the end of the step.
        }
    }
}
