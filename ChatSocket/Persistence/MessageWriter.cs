using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace ChatSocket.Persistence;

/// <summary>
/// Drains the <see cref="MessageQueue"/> into MongoDB: greedy batches (whatever is queued, up to the batch size, so a
/// lone message is written at once), unordered <c>InsertMany</c>, a few batches in flight, failed batches retried
/// with capped exponential backoff and jitter until they land. On shutdown the queue is closed and drained until a
/// deadline; what is left is spilled to disk and stored first at the next start.
/// </summary>
internal sealed partial class MessageWriter(
    MessageQueue queue,
    MessageStore store,
    SpillFile spill,
    IPendingMessageCache cache,
    PersistenceHealth health,
    PersistenceMetrics metrics,
    IOptions<PersistenceOptions> options,
    ILogger<MessageWriter> logger) : BackgroundService
{
    // Cancelled only when the drain deadline passes at shutdown: until then every batch is retried.
    private readonly CancellationTokenSource _abort = new();
    private readonly PersistenceOptions _options = options.Value;

    // For the shutdown summary: messages stored after the stop began.
    private volatile bool _stopping;
    private long _storedWhileStopping;

    // Messages spilled by the last run, by file, loaded at start and stored before anything new.
    private readonly List<(string Path, PendingMessage[] Messages)> _spilled = [];

    /// <summary>
    /// Before the server accepts anything, spilled messages go back into their rooms' rings, where every message not
    /// yet stored belongs: history and resends see them while they are restored. (Read only from the database, a
    /// join during the restore would miss them and could even mark the ring as the room's whole history.)
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var path in spill.Find())
        {
            var messages = await spill.ReadAsync(path, cancellationToken);
            _spilled.Add((path, [.. messages.Select(m => new PendingMessage(m.ToChatMessage()))]));
        }

        foreach (var pending in _spilled.SelectMany(f => f.Messages).DistinctBy(p => p.Message.Id).OrderBy(p => p.Message.Id))
        {
            cache.Restore(pending);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        queue.Complete();
        _abort.CancelAfter(_options.ShutdownDrainTimeout);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    // The stopping token is not used: stopping closes the queue instead (StopAsync), and the loop ends when it is
    // drained or when the drain deadline cancels _abort.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var abort = _abort.Token;
        var inFlight = new List<(Task Task, PendingMessage[] Batch)>(_options.MaxBatchesInFlight);
        try
        {
            await RetryAsync(store.EnsureIndexesAsync, "create indexes", abort);
            // A spill file is deleted only after all its messages are stored, so an abort here loses nothing.
            await RestoreSpilledAsync(abort);
            health.RestoreFinished();

            var reader = queue.Reader;
            while (true)
            {
                // Wait for a free slot before taking messages out of the queue, so that the queue's capacity is
                // what bounds the backlog (and whatever piled up meanwhile goes into one larger batch).
                while (inFlight.Count >= _options.MaxBatchesInFlight)
                {
                    var done = await Task.WhenAny(inFlight.Select(f => f.Task));
                    await done;
                    inFlight.RemoveAll(f => f.Task == done);
                }

                if (!await reader.WaitToReadAsync(abort))
                {
                    break;
                }

                var batch = TakeBatch(reader);
                if (batch.Length > 0)
                {
                    inFlight.Add((WriteBatchAsync(batch, abort), batch));
                }
            }

            await Task.WhenAll(inFlight.Select(f => f.Task));
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // The drain deadline passed: whatever is not stored yet is spilled below.
        }
        finally
        {
            await SpillLeftoversAsync(inFlight);
        }
    }

    private PendingMessage[] TakeBatch(System.Threading.Channels.ChannelReader<PendingMessage> reader)
    {
        var batch = new PendingMessage[Math.Clamp(reader.Count, 1, _options.BatchSize)];
        var count = 0;
        while (count < batch.Length && reader.TryRead(out var message))
        {
            batch[count++] = message;
        }

        return count == batch.Length ? batch : batch[..count];
    }

    private async Task WriteBatchAsync(PendingMessage[] batch, CancellationToken abort)
    {
        var documents = new StoredMessage[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            documents[i] = StoredMessage.From(batch[i].Message);
        }

        var outcomes = await InsertWithRetryAsync(documents, abort);
        for (var i = 0; i < batch.Length; i++)
        {
            if (!outcomes[i].Stored)
            {
                metrics.Rejected();
                LogRejected(logger, documents[i].Id.ToString(), documents[i].RoomId, outcomes[i].Error ?? "unknown");
            }

            metrics.Acked(batch[i].Complete(outcomes[i]));
        }
    }

    private async Task<InsertOutcome[]> InsertWithRetryAsync(StoredMessage[] documents, CancellationToken abort)
    {
        InsertOutcome[]? outcomes = null;
        await RetryAsync(
            async ct =>
            {
                var started = Stopwatch.GetTimestamp();
                outcomes = await store.InsertAsync(documents, ct);
                metrics.BatchWritten(documents.Length, Stopwatch.GetElapsedTime(started));
            },
            "insert a batch",
            abort);
        var stored = outcomes!.Count(o => o.Stored);
        metrics.Stored(stored);
        if (_stopping)
        {
            Interlocked.Add(ref _storedWhileStopping, stored);
        }

        health.InsertSucceeded(queue.Count, _options.BatchSize);
        return outcomes!;
    }

    /// <summary>Runs <paramref name="operation"/> until it succeeds or <paramref name="abort"/> fires.</summary>
    private async Task RetryAsync(Func<CancellationToken, Task> operation, string what, CancellationToken abort)
    {
        var retrying = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await operation(abort);
                    return;
                }
                catch (Exception ex) when (!abort.IsCancellationRequested)
                {
                    // Every failure short of shutdown is treated as transient (network, timeouts, elections, an
                    // outage): the documents stay queued and are tried again; duplicates on retry count as stored.
                    if (!retrying)
                    {
                        retrying = true;
                        health.RetryStarted();
                    }

                    health.Failed(ex);
                    metrics.Retried();
                    var delay = Backoff(attempt);
                    // One line per attempt with the cause: a stack trace of an outage repeated every few seconds
                    // hides the reason (a full disk, an unreachable server) instead of showing it.
                    LogRetry(logger, what, attempt, ex.GetType().Name, ex.Message, delay.TotalMilliseconds);
                    await Task.Delay(delay, abort);
                }
            }
        }
        finally
        {
            if (retrying)
            {
                health.RetryEnded();
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        // Full jitter in the upper half keeps many nodes from retrying in step.
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private async Task RestoreSpilledAsync(CancellationToken abort)
    {
        foreach (var (path, messages) in _spilled)
        {
            // Completing them lets their rings evict them like any stored message.
            foreach (var chunk in messages.Chunk(_options.BatchSize))
            {
                await WriteBatchAsync(chunk, abort);
            }

            try
            {
                spill.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Stored all the same: the file is restored again at the next start, and duplicates count as stored.
                // Letting this escape would end the writer, and nothing would be stored any more.
                LogNotDeleted(logger, ex, path);
            }

            LogRestored(logger, messages.Length, path);
        }

        _spilled.Clear();
    }

    private async Task SpillLeftoversAsync(List<(Task Task, PendingMessage[] Batch)> inFlight)
    {
        try
        {
            // In-flight batches end quickly once _abort is cancelled; their unfinished messages are spilled.
            await Task.WhenAll(inFlight.Select(f => f.Task)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            var leftovers = new List<StoredMessage>(
                inFlight.SelectMany(f => f.Batch).Where(m => !m.IsCompleted).Select(m => StoredMessage.From(m.Message)));
            while (queue.Reader.TryRead(out var message))
            {
                leftovers.Add(StoredMessage.From(message.Message));
            }

            LogStopped(logger, Interlocked.Read(ref _storedWhileStopping), leftovers.Count);
            if (leftovers.Count > 0)
            {
                metrics.Spilled(leftovers.Count);
                try
                {
                    // The host is stopping: the spill must reach the disk whatever the host's tokens say.
                    await spill.WriteAsync(leftovers, CancellationToken.None);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A full or read-only disk: none of these was acked, so no promise is broken, but they may be lost.
                    // One clear line and a failing exit code instead of an unhandled exception at shutdown.
                    LogSpillFailed(logger, leftovers.Count, spill.Directory, ex.Message);
                    Environment.ExitCode = 1;
                }
            }
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "Could not {What} (attempt {Attempt}): {ErrorType}: {Reason}; retrying in {DelayMs:F0} ms")]
    private static partial void LogRetry(ILogger logger, string what, int attempt, string errorType, string reason, double delayMs);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Error, Message = "MongoDB refused message {MessageId} of room {RoomId} for good: {Error}")]
    private static partial void LogRejected(ILogger logger, string messageId, string roomId, string error);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Warning, Message = "Could not remove the restored spill file {Path}; it is restored again at the next start")]
    private static partial void LogNotDeleted(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Critical, Message = "Could not spill {Count} messages that were not stored yet to {Directory} ({Reason}); they were never acknowledged, so their senders must send them again")]
    private static partial void LogSpillFailed(ILogger logger, int count, string directory, string reason);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Information, Message = "Message writer stopped: {Drained} messages stored during the shutdown drain, {Left} left to spill for the next start")]
    private static partial void LogStopped(ILogger logger, long drained, int left);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Stored {Count} messages spilled at the last shutdown ({Path})")]
    private static partial void LogRestored(ILogger logger, int count, string path);
}
