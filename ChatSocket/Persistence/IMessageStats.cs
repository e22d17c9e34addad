namespace ChatSocket.Persistence;

/// <summary>Statistics over the stored messages (aggregation pipelines). Throws
/// <see cref="ArchiveUnavailableException"/> when the database cannot answer, or when persistence is off.</summary>
internal interface IMessageStats
{
    /// <summary>A room's activity in [<paramref name="from"/>, <paramref name="to"/>) (UTC), bucketed by hour or day.</summary>
    Task<RoomStats> GetRoomStatsAsync(string roomId, DateTime from, DateTime to, StatsBucket bucket, int top, CancellationToken cancellationToken);

    /// <summary>The <paramref name="top"/> rooms by stored messages in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<ServerStats> GetServerStatsAsync(DateTime from, DateTime to, int top, CancellationToken cancellationToken);
}
