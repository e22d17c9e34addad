using ChatSocket.Protocol;

namespace ChatSocket.Identity;

/// <summary>
/// The rooms a token's <c>rooms</c> claim lets its user join and read: exact room ids and prefix patterns
/// (<c>team-*</c>); <c>*</c> alone is every room. A token without the claim gets <see cref="Every"/>.
/// </summary>
internal sealed class RoomGrants
{
    /// <summary>Most entries a claim may have: it is checked on every join.</summary>
    public const int MaxEntries = 256;

    private readonly HashSet<string> _exact;
    private readonly string[] _prefixes;
    private readonly bool _all;

    private RoomGrants(HashSet<string> exact, string[] prefixes, bool all)
    {
        _exact = exact;
        _prefixes = prefixes;
        _all = all;
    }

    /// <summary>No restriction (no <c>rooms</c> claim).</summary>
    public static RoomGrants Every { get; } = new([], [], all: true);

    /// <summary>Whether <paramref name="roomId"/> is granted.</summary>
    public bool Allows(string roomId)
    {
        if (_all || _exact.Contains(roomId))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (roomId.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the entries of a claim; each value may itself list several, separated by spaces or commas. False, with
    /// the reason, when an entry is neither a room id nor a room id prefix followed by <c>*</c>.
    /// </summary>
    public static bool TryParse(IEnumerable<string> values, out RoomGrants grants, out string? error)
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var prefixes = new List<string>();
        var all = false;
        var count = 0;
        foreach (var value in values)
        {
            foreach (var entry in value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (++count > MaxEntries)
                {
                    grants = Every;
                    error = $"the rooms claim has more than {MaxEntries} entries";
                    return false;
                }

                if (entry == "*")
                {
                    all = true;
                }
                else if (entry.EndsWith('*') && ProtocolRules.IsValidRoomId(entry[..^1]))
                {
                    prefixes.Add(entry[..^1]);
                }
                else if (ProtocolRules.IsValidRoomId(entry))
                {
                    exact.Add(entry);
                }
                else
                {
                    grants = Every;
                    error = "each entry of the rooms claim must be a room id or a room id prefix ending in *";
                    return false;
                }
            }
        }

        grants = new RoomGrants(exact, [.. prefixes], all);
        error = null;
        return true;
    }
}
