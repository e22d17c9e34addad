using MongoDB.Bson;

namespace ChatSocket.History;

/// <summary>What a join asks for: the newest <paramref name="History"/> messages, or with <paramref name="Since"/>
/// (resume) every message after that id, up to <paramref name="History"/>.</summary>
internal sealed record JoinRequest(int History, ObjectId? Since)
{
    /// <summary>The archive's part of the history, read before the room's lock is taken
    /// (<see cref="MessageHistory.PrefetchForJoinAsync"/>); null until the ring alone could not answer.</summary>
    public JoinPrefetch? Prefetched { get; init; }
}
