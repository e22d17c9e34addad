namespace ChatSocket.Rooms;

/// <summary>Outcome of <see cref="RoomRegistry.JoinAsync"/>.</summary>
internal enum JoinStatus
{
    /// <summary>The connection is now a member; it was sent <c>joined</c> and <c>history</c>.</summary>
    Joined,

    /// <summary>It already was a member; <c>joined</c> and <c>history</c> were sent again, no presence.</summary>
    AlreadyMember,

    /// <summary>The room does not exist and the server's room limit is reached.</summary>
    ServerRoomLimit,

    /// <summary>Internal: the room emptied and was removed while joining; the registry retries.</summary>
    RoomRemoved,

    /// <summary>Internal: the in-memory ring cannot answer alone; the registry fetches the archive's part (outside
    /// the lock) and retries with it.</summary>
    NeedsArchive,
}
