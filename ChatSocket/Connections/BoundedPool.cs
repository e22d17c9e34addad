using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ChatSocket.Connections;

/// <summary>
/// Objects shared by every connection and reused instead of allocated per send: at low rates each delivery is its
/// own send, and what a send allocates is what the GC collects (issue 11). Policy when empty: the caller makes a new
/// one. When full (<paramref name="capacity"/> held): a returned object is not kept, and the caller lets it go.
/// </summary>
internal sealed class BoundedPool<T>(int capacity)
    where T : class
{
    private readonly ConcurrentQueue<T> _items = new();
    private int _count;

    /// <summary>Objects held now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A pooled object, or false when none is held.</summary>
    public bool TryRent([NotNullWhen(true)] out T? item)
    {
        if (!_items.TryDequeue(out item))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Keeps <paramref name="item"/> for a later rent; false (not kept) when the pool is full.</summary>
    public bool TryReturn(T item)
    {
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        _items.Enqueue(item);
        return true;
    }
}
