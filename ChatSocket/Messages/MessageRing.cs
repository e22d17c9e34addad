using MongoDB.Bson;

namespace ChatSocket.Messages;

/// <summary>
/// The most recent messages of one room in a fixed-size circular buffer, in id order (appends happen under the
/// room's lock, which assigns the ids). Thread-safe; readers get copies.
/// </summary>
internal sealed class MessageRing(int capacity)
{
    private readonly Lock _gate = new();
    private readonly ChatMessage[] _items = new ChatMessage[capacity];
    private int _next;
    private int _count;

    /// <summary><see cref="Environment.TickCount64"/> of the last append, for least-recently-written eviction.</summary>
    public long LastWrite { get; private set; } = Environment.TickCount64;

    public void Append(ChatMessage message)
    {
        lock (_gate)
        {
            _items[_next] = message;
            _next = (_next + 1) % _items.Length;
            if (_count < _items.Length)
            {
                _count++;
            }

            LastWrite = Environment.TickCount64;
        }
    }

    /// <summary>The newest <paramref name="limit"/> messages, oldest first.</summary>
    public HistoryPage TakeRecent(int limit)
    {
        lock (_gate)
        {
            return Page(_count, limit);
        }
    }

    /// <summary>Up to <paramref name="limit"/> messages with an id below <paramref name="beforeId"/>, oldest first.</summary>
    public HistoryPage TakeBefore(ObjectId beforeId, int limit)
    {
        lock (_gate)
        {
            // Index (0 = oldest) of the first message not older than beforeId; ids are ascending.
            int low = 0, high = _count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (At(middle).Id < beforeId)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return Page(low, limit);
        }
    }

    // The page of up to `limit` messages ending just before logical index `end`. HasMore means "older messages can
    // be fetched from here": messages pushed out of the ring are gone from memory, and a client paging until HasMore
    // is false must not loop on empty pages. (With MongoDB behind the ring, #4 answers for older messages.)
    private HistoryPage Page(int end, int limit)
    {
        var take = Math.Clamp(limit, 0, end);
        var start = end - take;
        if (take == 0)
        {
            return new HistoryPage([], start > 0);
        }

        var page = new ChatMessage[take];
        for (var i = 0; i < take; i++)
        {
            page[i] = At(start + i);
        }

        return new HistoryPage(page, start > 0);
    }

    private ChatMessage At(int logicalIndex)
    {
        var oldest = _count < _items.Length ? 0 : _next;
        return _items[(oldest + logicalIndex) % _items.Length];
    }
}
