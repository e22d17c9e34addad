namespace ChatSocket.Persistence;

/// <summary>
/// The writer's view of the database, for readiness: not ready while any write is being retried, then until the
/// backlog has drained, and until spilled messages of the last run are stored.
/// </summary>
internal sealed class PersistenceHealth
{
    private int _retrying;
    private volatile bool _backlogged;
    private volatile bool _restored;
    private volatile string? _lastError;

    /// <summary>The cause of the last failed write (<c>ErrorType: message</c>), for readiness; null once writes
    /// succeed again.</summary>
    public string? LastError => IsFailing || !_restored ? _lastError : null;

    public bool IsFailing => Volatile.Read(ref _retrying) > 0 || _backlogged;

    public bool IsRestored => _restored;

    /// <summary>Why the last attempt of a retried write failed.</summary>
    public void Failed(Exception exception) => _lastError = $"{exception.GetType().Name}: {exception.Message}";

    /// <summary>A write failed and will be retried; pair with <see cref="RetryEnded"/>.</summary>
    public void RetryStarted()
    {
        Interlocked.Increment(ref _retrying);
        _backlogged = true;
    }

    /// <summary>A write that was being retried succeeded (or was abandoned at shutdown).</summary>
    public void RetryEnded() => Interlocked.Decrement(ref _retrying);

    /// <summary>After a successful insert: healthy again once no write is retrying and the queue is (nearly) empty.</summary>
    public void InsertSucceeded(int backlog, int batchSize)
    {
        // With several batches in flight, one success says nothing while another batch still retries.
        if (_backlogged && Volatile.Read(ref _retrying) == 0 && backlog <= batchSize)
        {
            _backlogged = false;
        }
    }

    public void RestoreFinished() => _restored = true;
}
