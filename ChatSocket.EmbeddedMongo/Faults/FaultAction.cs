using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Faults;

/// <summary>
/// What to do to one command: wait, then close the connection (before or after running it), fail with a code, or
/// run normally.
/// </summary>
internal readonly record struct FaultAction(TimeSpan Delay, bool CloseConnection, bool CloseAfterExecution, int? ErrorCode, string? ErrorMessage, BsonArray? ErrorLabels);
