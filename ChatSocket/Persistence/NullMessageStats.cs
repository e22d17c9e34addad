namespace ChatSocket.Persistence;

/// <summary>Statistics when persistence is off: nothing is stored to count, reported as unavailable.</summary>
internal sealed class NullMessageStats : IMessageStats
{
    public Task<RoomStats> GetRoomStatsAsync(string roomId, DateTime from, DateTime to, StatsBucket bucket, int top, CancellationToken cancellationToken) =>
        Task.FromException<RoomStats>(new ArchiveUnavailableException(NullMessageSearch.PersistenceOffReason));

    public Task<ServerStats> GetServerStatsAsync(DateTime from, DateTime to, int top, CancellationToken cancellationToken) =>
        Task.FromException<ServerStats>(new ArchiveUnavailableException(NullMessageSearch.PersistenceOffReason));
}
