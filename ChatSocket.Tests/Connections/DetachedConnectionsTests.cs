using ChatSocket.Connections;
using ChatSocket.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ChatSocket.Tests.Connections;

/// <summary>
/// <see cref="DetachedConnections"/>: the host's stop waits for every detached WebSocket, within its timeout, and a
/// connection's failure is logged without reaching anyone else.
/// </summary>
[TestFixture]
public sealed class DetachedConnectionsTests
{
    [Test]
    public async Task Stopping_waits_until_every_running_connection_has_ended()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var detached = new DetachedConnections(factory.CreateLogger<DetachedConnections>());
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        detached.Run(static state => _ = EndsWithAsync(state.Detached, state.End.Task), (Detached: detached, End: first));
        detached.Run(static state => _ = EndsWithAsync(state.Detached, state.End.Task), (Detached: detached, End: second));

        var stopping = detached.StopAsync(CancellationToken.None);
        first.SetResult();
        await Task.Delay(50);
        var stoppedWithOneLeft = stopping.IsCompleted;
        second.SetException(new InvalidOperationException("a bug in one connection"));
        await stopping.WaitAsync(ChatServer.Deadline);

        Assert.That(stoppedWithOneLeft, Is.False, "one connection was still running");
        Assert.That(detached.Count, Is.Zero);
        Assert.That(logs.Entries, Has.Some.Contains("A WebSocket connection failed after its upgrade").And.Contains("a bug in one connection"));
    }

    [Test]
    public async Task A_stop_whose_timeout_runs_out_says_how_many_had_not_ended()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var detached = new DetachedConnections(factory.CreateLogger<DetachedConnections>());
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        detached.Run(static state => _ = EndsWithAsync(state.Detached, state.End.Task), (Detached: detached, End: never));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await detached.StopAsync(timeout.Token).WaitAsync(ChatServer.Deadline);

        Assert.That(detached.Count, Is.EqualTo(1));
        Assert.That(logs.Entries, Has.Some.Contains("1 WebSocket connections had not ended"));
        never.SetResult();
    }

    // As a detached connection does: reports its end, and its failure, to the tracker.
    private static async Task EndsWithAsync(DetachedConnections detached, Task connection)
    {
        try
        {
            await connection;
            detached.Ended();
        }
        catch (Exception ex)
        {
            detached.Ended(ex);
        }
    }
}
