using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Rooms;

/// <summary>What a join asks for: the newest <paramref name="History"/> messages, or with <paramref name="Since"/>
/// (resume) every message after that id, up to <paramref name="History"/>.</summary>
internal sealed record JoinRequest(int History, ObjectId? Since)
{
    /// <summary>The archive's part of the history, fetched before the room's lock is taken, with the ring's eviction
    /// count and oldest id seen just before that fetch (so the join can tell whether the ring lost anything meanwhile,
    /// and which part of the archive's answer was complete anyway).</summary>
    public (HistoryPage Stored, MessageRing Ring, long Evictions, ObjectId? OldestId)? Prefetched { get; init; }
}
