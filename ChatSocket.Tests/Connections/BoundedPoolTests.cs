using ChatSocket.Connections;

namespace ChatSocket.Tests.Connections;

[TestFixture]
public sealed class BoundedPoolTests
{
    [Test]
    public void An_empty_pool_has_nothing_to_rent()
    {
        var pool = new BoundedPool<object>(capacity: 2);

        Assert.That(pool.TryRent(out var item), Is.False);
        Assert.That(item, Is.Null);
    }

    [Test]
    public void What_is_returned_is_rented_again_once()
    {
        var pool = new BoundedPool<object>(capacity: 2);
        var first = new object();
        var second = new object();

        Assert.That(pool.TryReturn(first), Is.True);
        Assert.That(pool.TryReturn(second), Is.True);
        Assert.That(pool.TryRent(out var a), Is.True);
        Assert.That(pool.TryRent(out var b), Is.True);

        Assert.That(new[] { a, b }, Is.EquivalentTo(new[] { first, second }));
        Assert.That(pool.TryRent(out _), Is.False);
        Assert.That(pool.Count, Is.Zero);
    }

    [Test]
    public void A_full_pool_refuses_what_is_returned_and_keeps_its_bound_under_concurrent_returns()
    {
        var pool = new BoundedPool<object>(capacity: 100);

        var kept = 0;
        Parallel.For(0, 1_000, _ =>
        {
            if (pool.TryReturn(new object()))
            {
                Interlocked.Increment(ref kept);
            }
        });

        Assert.That(kept, Is.EqualTo(100));
        Assert.That(pool.Count, Is.EqualTo(100));
        var rented = 0;
        while (pool.TryRent(out _))
        {
            rented++;
        }

        Assert.That(rented, Is.EqualTo(100));
    }
}
