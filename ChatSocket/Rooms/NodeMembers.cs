namespace ChatSocket.Rooms;

/// <summary>How many members one other node has in a room, as of that node's change number <paramref name="Version"/>
/// (a node numbers its membership changes in order, so an older report never overwrites a newer one).</summary>
internal readonly record struct NodeMembers(int Count, long Version);
