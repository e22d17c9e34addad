using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.History;

/// <summary>The archive's answer for a join, with the ring's state seen just before the read: whether the ring lost
/// anything meanwhile, and which part of the answer was complete anyway (see <see cref="MessageHistory"/>).</summary>
/// <param name="Stored">The archive's page.</param>
/// <param name="Ring">The room's ring when the read started.</param>
/// <param name="Evictions">Its eviction count then.</param>
/// <param name="OldestId">Its oldest message's id then (null when it was empty).</param>
/// <param name="ArchiveUnavailable">The archive could not be read: a plain join gets what the ring has.</param>
internal sealed record JoinPrefetch(HistoryPage Stored, MessageRing Ring, long Evictions, ObjectId? OldestId, bool ArchiveUnavailable = false);
