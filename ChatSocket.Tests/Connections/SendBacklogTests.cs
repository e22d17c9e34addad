using ChatSocket.Connections;

namespace ChatSocket.Tests.Connections;

[TestFixture]
public sealed class SendBacklogTests
{
    [Test]
    public void A_server_that_is_not_behind_does_not_wait()
    {
        var backlog = new SendBacklog();

        Assert.That(backlog.WaitAsync(CancellationToken.None).AsTask().IsCompleted, Is.True);
    }

    [Test]
    public async Task A_wait_ends_when_the_last_queue_behind_catches_up()
    {
        var backlog = new SendBacklog();
        backlog.Fell();
        backlog.Fell();
        var wait = backlog.WaitAsync(CancellationToken.None).AsTask();

        backlog.CaughtUp();
        Assert.That(backlog.IsBehind, Is.True, "one queue is still behind");
        backlog.CaughtUp();

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(backlog.IsBehind, Is.False);
    }

    [Test]
    public async Task A_wait_is_bounded_when_a_queue_stays_behind()
    {
        var backlog = new SendBacklog();
        backlog.Fell();

        // Completes by itself (after MaxPause), although the queue never catches up.
        await backlog.WaitAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(backlog.IsBehind, Is.True);
    }

    [Test]
    public void A_wait_ends_when_the_connection_is_aborted()
    {
        var backlog = new SendBacklog();
        backlog.Fell();
        using var aborted = new CancellationTokenSource();
        var wait = backlog.WaitAsync(aborted.Token).AsTask();

        aborted.Cancel();

        Assert.That(async () => await wait.WaitAsync(TimeSpan.FromSeconds(10)), Throws.InstanceOf<OperationCanceledException>());
    }
}
