using System.Threading.Channels;
using ChatSocket.Messages;
using MongoDB.Driver;

namespace ChatSocket.Persistence;

/// <summary>
/// Asks MongoDB whether <c>client_msg_id</c>s are used, many per query. Every send whose key is not in memory needs
/// this answer before it is broadcast; one query per send cost a busy node a fifth of its CPU (4,000 sends/s, measured),
/// so the keys that arrive while a query runs are asked together in the next one (one <c>$or</c> of point
/// look-ups through the unique index). A quiet node still asks at once: a lone key is a batch of one.
/// </summary>
internal sealed class ClientMsgIdLookups(MongoConnection connection) : BackgroundService
{
    /// <summary>Keys waiting for a query, at most; a full queue makes senders wait (policy: wait, bounded by the
    /// caller's check timeout).</summary>
    public const int QueueCapacity = 10_000;

    /// <summary>Keys per query, at most.</summary>
    public const int BatchSize = 256;

    private readonly Channel<Lookup> _queue = Channel.CreateBounded<Lookup>(new BoundedChannelOptions(QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    /// <summary>The stored message with this key, or null; <see cref="ArchiveUnavailableException"/> when the
    /// database cannot answer.</summary>
    public async Task<ChatMessage?> FindAsync(string roomId, string sender, string clientMsgId, CancellationToken cancellationToken)
    {
        var lookup = new Lookup(roomId, sender, clientMsgId);
        try
        {
            await _queue.Writer.WriteAsync(lookup, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new ArchiveUnavailableException("the server is stopping", ex);
        }

        return await lookup.Answer.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Lookup>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < BatchSize && _queue.Reader.TryRead(out var lookup))
                {
                    batch.Add(lookup);
                }

                await AnswerAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whoever still waits is told below.
        }
        finally
        {
            _queue.Writer.TryComplete();
            var stopping = new ArchiveUnavailableException("the server is stopping");
            foreach (var waiting in batch)
            {
                waiting.Answer.TrySetException(stopping);
            }

            while (_queue.Reader.TryRead(out var left))
            {
                left.Answer.TrySetException(stopping);
            }
        }
    }

    private async Task AnswerAsync(List<Lookup> batch, CancellationToken cancellationToken)
    {
        var keys = batch.ConvertAll(l => ClientMsgIdFilter.Of(l.RoomId, l.Sender, l.ClientMsgId));
        Dictionary<(string, string, string), ChatMessage> found;
        try
        {
            // A durable read: an original only a majority read can see is acknowledged to a resend at once.
            var stored = await connection.DurableMessages.Find(ClientMsgIdFilter.AnyOf(keys)).ToListAsync(cancellationToken);
            found = stored.ToDictionary(m => (m.RoomId, m.Sender, m.ClientMsgId!), m => m.ToChatMessage());
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            var unavailable = new ArchiveUnavailableException("the database could not be asked whether this client_msg_id is used", ex);
            foreach (var lookup in batch)
            {
                lookup.Answer.TrySetException(unavailable);
            }

            return;
        }

        foreach (var lookup in batch)
        {
            lookup.Answer.TrySetResult(found.GetValueOrDefault((lookup.RoomId, lookup.Sender, lookup.ClientMsgId)));
        }
    }

    private sealed class Lookup(string roomId, string sender, string clientMsgId)
    {
        public string RoomId { get; } = roomId;

        public string Sender { get; } = sender;

        public string ClientMsgId { get; } = clientMsgId;

        public TaskCompletionSource<ChatMessage?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
