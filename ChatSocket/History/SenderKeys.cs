namespace ChatSocket.History;

/// <summary>
/// One sender's <c>client_msg_id</c>s in one room, as 64-bit hashes (<see cref="ClientMsgIdHash"/>): a key whose hash
/// is not here is unused; a hash that is here may be a collision, so a hit is checked with the database. Used under
/// its ring's lock.
/// </summary>
internal sealed class SenderKeys(string sender)
{
    /// <summary>Whose keys these are.</summary>
    public string Sender { get; } = sender;

    /// <summary>The hashes; null once the sender has more keys than are remembered (its keys are then always asked).</summary>
    public HashSet<ulong>? Hashes { get; private set; } = [];

    /// <summary>True once the database's keys are in: before that, only the ring's are.</summary>
    public bool Loaded { get; set; }

    /// <summary>Stops remembering (too many keys); returns how many hashes were let go.</summary>
    public int Forget()
    {
        var count = Hashes?.Count ?? 0;
        Hashes = null;
        return count;
    }
}
