using MongoDB.Bson;

namespace ChatSocket.History;

/// <summary>What a ring held when a <c>client_msg_id</c> was looked up in it, before the database was asked
/// (see <see cref="MessageRing.LookUpClientMsgId"/>).</summary>
/// <param name="Ring">The ring looked in.</param>
/// <param name="NewestId">Its newest message's id then (<see cref="ObjectId.Empty"/> when it was empty).</param>
/// <param name="Evictions">Its eviction count then.</param>
internal readonly record struct ClientMsgIdWatermark(MessageRing Ring, ObjectId NewestId, long Evictions);
