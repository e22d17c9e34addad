namespace ChatSocket.Persistence;

/// <summary>
/// The writer's view of the database, for readiness: not ready while inserts fail, until the backlog has drained,
/// and until spilled messages of the last run are stored.
/// </summary>
internal sealed class PersistenceHealth
{
    private volatile bool _failing;
    private volatile bool _restored;

    public bool IsFailing => _failing;

    public bool IsRestored => _restored;

    public void InsertFailed() => _failing = true;

    /// <summary>After a successful insert: healthy again once the queue is (nearly) empty.</summary>
    public void InsertSucceeded(int backlog, int batchSize)
    {
        if (_failing && backlog <= batchSize)
        {
            _failing = false;
        }
    }

    public void RestoreFinished() => _restored = true;
}
