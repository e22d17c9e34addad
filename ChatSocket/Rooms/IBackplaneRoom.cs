namespace ChatSocket.Rooms;

/// <summary>A room as the backplane delivers to it (implemented by <see cref="Room"/>).</summary>
internal interface IBackplaneRoom
{
    /// <summary>The recent messages the backplane holds for the room, oldest first, delivered once before the live
    /// stream: what was published before this node subscribed.</summary>
    void CatchUp(IReadOnlyList<BackplaneDelivery> recent);

    /// <summary>One published message, in id order; never called concurrently for one room.</summary>
    void OnPublished(BackplaneDelivery delivery);
}
