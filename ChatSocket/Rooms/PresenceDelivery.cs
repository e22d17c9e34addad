namespace ChatSocket.Rooms;

/// <summary>A member of another node joined or left a room; <paramref name="NodeCount"/> is that node's member count
/// in the room after it, as of its change number <paramref name="Version"/>.</summary>
internal readonly record struct PresenceDelivery(string NodeId, string User, bool Joined, int NodeCount, long Version);
