namespace ChatSocket.Persistence;

/// <summary>A count of messages for a key: a sender, a room, or an hour of day ("0".."23").</summary>
internal sealed record NamedCount(string Name, long Messages);
