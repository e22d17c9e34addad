namespace ChatSocket.Rooms;

/// <summary>A room as the backplane delivers to it (implemented by <see cref="Room"/>).</summary>
internal interface IBackplaneRoom
{
    /// <summary>This node's members in the room now.</summary>
    int LocalMemberCount { get; }

    /// <summary>The recent messages the backplane holds for the room, oldest first, delivered once before the live
    /// stream: what was published before this node subscribed.</summary>
    void CatchUp(IReadOnlyList<BackplaneDelivery> recent);

    /// <summary>One published message, in id order; never called concurrently for one room.</summary>
    void OnPublished(BackplaneDelivery delivery);

    /// <summary>A member of another node joined or left: the local members get a presence frame.</summary>
    void OnPresence(PresenceDelivery presence);

    /// <summary>The member counts of the other live nodes in this room, read from the backplane; a node missing from
    /// <paramref name="liveNodes"/> is gone (stopped, or silent for longer than its timeout) and no longer counts.</summary>
    void RemoteMembers(IReadOnlyDictionary<string, NodeMembers> liveNodes);
}
