using System.Collections.Concurrent;

namespace ChatSocket.EmbeddedMongo.Cursors;

/// <summary>
/// Open cursors by id. Bounded: when <c>MaxOpenCursors</c> is reached the least recently used cursor is killed to
/// make room (as a client that leaks cursors should not starve others). Idle cursors time out.
/// </summary>
internal sealed class CursorStore(int maxOpenCursors, TimeSpan idleTimeout)
{
    private readonly ConcurrentDictionary<long, ServerCursor> _cursors = new();
    private long _nextId = Random.Shared.NextInt64(1, long.MaxValue / 2);

    public int Count => _cursors.Count;

    public ServerCursor Open(string ns, List<byte[]> documents, int position)
    {
        if (_cursors.Count >= maxOpenCursors)
        {
            ServerCursor? oldest = null;
            foreach (var cursor in _cursors.Values)
            {
                if (oldest is null || cursor.LastUsed < oldest.LastUsed)
                {
                    oldest = cursor;
                }
            }

            if (oldest is not null)
            {
                _cursors.TryRemove(oldest.Id, out _);
            }
        }

        var opened = new ServerCursor(Interlocked.Increment(ref _nextId), ns, documents, position);
        _cursors[opened.Id] = opened;
        return opened;
    }

    /// <summary>Takes a cursor out for a getMore (so that two getMores cannot share it); null if unknown.</summary>
    public ServerCursor? Take(long id) => _cursors.TryRemove(id, out var cursor) ? cursor : null;

    /// <summary>Puts a cursor back after a getMore that left documents.</summary>
    public void Return(ServerCursor cursor)
    {
        cursor.LastUsed = Environment.TickCount64;
        _cursors[cursor.Id] = cursor;
    }

    public bool Kill(long id) => _cursors.TryRemove(id, out _);

    /// <summary>Kills cursors idle longer than the timeout; returns how many.</summary>
    public int Reap()
    {
        var deadline = Environment.TickCount64 - (long)idleTimeout.TotalMilliseconds;
        var killed = 0;
        foreach (var cursor in _cursors.Values)
        {
            if (cursor.LastUsed < deadline && _cursors.TryRemove(cursor.Id, out _))
            {
                killed++;
            }
        }

        return killed;
    }
}
