using ChatSocket.Identity;
using Microsoft.Extensions.Options;

namespace ChatSocket.Connections;

/// <summary>
/// Open connections per user, for <see cref="AuthOptions.MaxConnectionsPerUser"/> (Centrifugo's
/// <c>user_connection_limit</c>). A user's entry exists only while it has a connection, so the map never holds more
/// entries than <see cref="ChatOptions.MaxConnections"/>. With no limit nothing is counted.
/// </summary>
internal sealed class UserConnectionCounts(IOptions<AuthOptions> options)
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The configured limit; 0 is none.</summary>
    public int Limit { get; } = options.Value.MaxConnectionsPerUser;

    /// <summary>Takes a slot of <paramref name="user"/>; false when the user has <see cref="Limit"/> already.</summary>
    public bool TryReserve(string user)
    {
        if (Limit == 0)
        {
            return true;
        }

        lock (_lock)
        {
            _counts.TryGetValue(user, out var count);
            if (count >= Limit)
            {
                return false;
            }

            _counts[user] = count + 1;
            return true;
        }
    }

    /// <summary>Gives back a slot taken by <see cref="TryReserve"/>.</summary>
    public void Release(string user)
    {
        if (Limit == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_counts.TryGetValue(user, out var count) && count > 1)
            {
                _counts[user] = count - 1;
            }
            else
            {
                _counts.Remove(user);
            }
        }
    }
}
