namespace ChatSocket.History;

/// <summary>
/// The <c>client_msg_id</c>s a ring remembers per sender, so that a key the sender never used in the room is known to
/// be new without a database round trip before its message is broadcast. A sender's keys are loaded from the
/// database at its first send, after being seeded with the keys the ring holds (which include every message not yet
/// stored, as only stored messages leave the ring); from then on every message the ring takes adds its key. So the
/// set holds every key of the sender that is stored or on its way to be, as long as every message of the room
/// passes through this ring: true on a single node, not with a backplane (whose callers do not ask for a load).
/// Each remembered sender costs one unit of <see cref="ClientMsgIdMemory"/>, each key one more. Used under the
/// ring's lock.
/// </summary>
internal sealed class RememberedKeys(ClientMsgIdMemory memory)
{
    private readonly Dictionary<string, SenderKeys> _senders = new(StringComparer.Ordinal);
    private int _units;

    /// <summary>What is known of a key the ring does not hold. A sender not remembered yet gets an entry, seeded with
    /// <paramref name="ringKeys"/>, and <see cref="KeyKnowledge.LoadFirst"/>, when <paramref name="startLoad"/> is set
    /// and the budget allows.</summary>
    public (KeyKnowledge Knowledge, SenderKeys? Load) Ask(string sender, string clientMsgId, bool startLoad, IEnumerable<string> ringKeys)
    {
        if (_senders.TryGetValue(sender, out var keys))
        {
            return (keys is { Loaded: true, Hashes: { } hashes } && !hashes.Contains(ClientMsgIdHash.Of(clientMsgId)) ? KeyKnowledge.New : KeyKnowledge.Unknown, null);
        }

        if (!startLoad || !Take(1))
        {
            return (KeyKnowledge.Unknown, null);
        }

        keys = new SenderKeys(sender);
        _senders[sender] = keys;
        foreach (var key in ringKeys)
        {
            Add(keys, key);
        }

        return (KeyKnowledge.LoadFirst, keys);
    }

    /// <summary>A message of the room with this key was taken by the ring.</summary>
    public void Taken(string sender, string clientMsgId)
    {
        if (_senders.TryGetValue(sender, out var keys))
        {
            Add(keys, clientMsgId);
        }
    }

    /// <summary>The database's keys of a sender whose load began with <see cref="Ask"/>; null when it has more than
    /// are remembered per sender.</summary>
    public void CompleteLoad(SenderKeys keys, IReadOnlyCollection<string>? stored)
    {
        if (!_senders.TryGetValue(keys.Sender, out var current) || !ReferenceEquals(current, keys))
        {
            return;
        }

        if (stored is null)
        {
            Return(keys.Forget());
        }
        else
        {
            foreach (var key in stored)
            {
                Add(keys, key);
            }
        }

        keys.Loaded = true;
    }

    /// <summary>A load that failed: the sender is forgotten, and the next send starts over.</summary>
    public void AbortLoad(SenderKeys keys)
    {
        if (_senders.TryGetValue(keys.Sender, out var current) && ReferenceEquals(current, keys) && !keys.Loaded)
        {
            _senders.Remove(keys.Sender);
            Return(keys.Forget() + 1);
        }
    }

    /// <summary>The ring is dropped: everything goes back to the budget.</summary>
    public void Clear()
    {
        _senders.Clear();
        Return(_units);
    }

    private void Add(SenderKeys keys, string clientMsgId)
    {
        var hash = ClientMsgIdHash.Of(clientMsgId);
        if (keys.Hashes is not { } hashes || hashes.Contains(hash))
        {
            return;
        }

        if (hashes.Count >= memory.PerSender || !Take(1))
        {
            // Too many to remember: this sender's keys are asked of the database from now on.
            Return(keys.Forget());
            return;
        }

        hashes.Add(hash);
    }

    private bool Take(int count)
    {
        if (!memory.TryTake(count))
        {
            return false;
        }

        _units += count;
        return true;
    }

    private void Return(int count)
    {
        _units -= count;
        memory.Return(count);
    }
}
