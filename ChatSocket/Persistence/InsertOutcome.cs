using MongoDB.Bson;

namespace ChatSocket.Persistence;

/// <summary>What became of one document of a batch.</summary>
/// <param name="Stored">True when the message is in the database: inserted now, or earlier under the same id or the
/// same <c>client_msg_id</c>.</param>
/// <param name="StoredId">The id under which it is stored: its own, or the original's for a resend.</param>
/// <param name="Error">Why the database refused it for good, when <paramref name="Stored"/> is false.</param>
/// <param name="IsClientMsgIdConflict">Refused because the sender's <c>client_msg_id</c> is already stored with other
/// content.</param>
internal readonly record struct InsertOutcome(bool Stored, ObjectId StoredId, string? Error, bool IsClientMsgIdConflict = false)
{
    /// <summary>The outcome of every message while persistence is off.</summary>
    public static InsertOutcome NotDurable(ObjectId id) => new(false, id, "persistence is off");
}
