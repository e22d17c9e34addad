using ChatSocket.Messages;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Persistence;

/// <summary>
/// The messages collection, through MongoDB.Driver only, so the same code runs on the embedded engine and on Atlas.
/// </summary>
internal sealed class MessageStore(MongoConnection connection) : IMessageArchive
{
    /// <summary>Name of the unique partial index that makes resends idempotent.</summary>
    public const string ClientMsgIdIndex = "room_sender_client_msg_id";

    /// <summary>Name of the history index.</summary>
    public const string HistoryIndex = "room_id_desc";

    private static readonly InsertManyOptions Unordered = new() { IsOrdered = false };

    // Per-document errors that mean "never": the document itself is refused (validation, type, size). Any other
    // per-document error (a mongos passing on a shard's election, NotWritablePrimary, InterruptedDueToReplStateChange,
    // StaleConfig, WriteConflict, ...) is transient: the exception goes up and the whole batch is retried, which is
    // safe because what did land comes back as duplicates.
    private static readonly HashSet<int> RefusedForGood = [2, 14, 121, 10334];

    private IMongoCollection<StoredMessage> Messages => connection.Messages;

    public bool IsDurable => true;

    /// <summary>Creates the indexes; idempotent.</summary>
    public async Task EnsureIndexesAsync(CancellationToken cancellationToken)
    {
        var keys = Builders<StoredMessage>.IndexKeys;
        var history = new CreateIndexModel<StoredMessage>(
            keys.Ascending(m => m.RoomId).Descending(m => m.Id),
            new CreateIndexOptions { Name = HistoryIndex });
        var resend = new CreateIndexModel<StoredMessage>(
            keys.Ascending(m => m.RoomId).Ascending(m => m.Sender).Ascending(m => m.ClientMsgId),
            new CreateIndexOptions<StoredMessage>
            {
                Name = ClientMsgIdIndex,
                Unique = true,
                PartialFilterExpression = Builders<StoredMessage>.Filter.Exists(m => m.ClientMsgId),
            });
        await Messages.Indexes.CreateManyAsync([history, resend], cancellationToken);
    }

    /// <summary>
    /// Inserts a batch unordered. Duplicates count as stored (a retry of an insert that did land, or a resend of a
    /// <c>client_msg_id</c>, which reports the original's id). Throws when the database could not be reached or did
    /// not answer: the caller retries the whole batch, which is safe because of the duplicate handling.
    /// </summary>
    public async Task<InsertOutcome[]> InsertAsync(IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken)
    {
        var outcomes = new InsertOutcome[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            outcomes[i] = new InsertOutcome(true, batch[i].Id, null);
        }

        try
        {
            await Messages.InsertManyAsync(batch, Unordered, cancellationToken);
            return outcomes;
        }
        catch (MongoBulkWriteException<StoredMessage> ex) when (ex.WriteConcernError is null && ex.WriteErrors.All(IsFinal))
        {
            // Per-document errors: the rest of the unordered batch is stored.
            foreach (var error in ex.WriteErrors)
            {
                var message = batch[error.Index];
                outcomes[error.Index] = error.Category == ServerErrorCategory.DuplicateKey
                    ? await ResolveDuplicateAsync(message, cancellationToken)
                    : new InsertOutcome(false, message.Id, $"{error.Code}: {error.Message}");
            }

            return outcomes;
        }
    }

    private static bool IsFinal(BulkWriteError error) =>
        error.Category == ServerErrorCategory.DuplicateKey || RefusedForGood.Contains(error.Code);

    private async Task<InsertOutcome> ResolveDuplicateAsync(StoredMessage message, CancellationToken cancellationToken)
    {
        if (message.ClientMsgId is null)
        {
            // Only the _id index can clash: this very document landed on an earlier try.
            return new InsertOutcome(true, message.Id, null);
        }

        var filter = Builders<StoredMessage>.Filter;
        var original = await Messages
            .Find(filter.Eq(m => m.RoomId, message.RoomId) & filter.Eq(m => m.Sender, message.Sender) &
                  filter.Eq(m => m.ClientMsgId, message.ClientMsgId))
            .Project(Builders<StoredMessage>.Projection.Include(m => m.Id))
            .FirstOrDefaultAsync(cancellationToken);
        return original is null
            ? new InsertOutcome(true, message.Id, null)
            : new InsertOutcome(true, original["_id"].AsObjectId, null);
    }

    public Task<HistoryPage> GetBeforeAsync(string roomId, ObjectId? before, int limit, CancellationToken cancellationToken)
    {
        var filter = Builders<StoredMessage>.Filter;
        var query = filter.Eq(m => m.RoomId, roomId);
        if (before is { } upper)
        {
            query &= filter.Lt(m => m.Id, upper);
        }

        return PageAsync(query, newestFirst: true, limit, cancellationToken);
    }

    public Task<HistoryPage> GetAfterAsync(string roomId, ObjectId after, ObjectId? before, int limit, CancellationToken cancellationToken)
    {
        var filter = Builders<StoredMessage>.Filter;
        var query = filter.Eq(m => m.RoomId, roomId) & filter.Gt(m => m.Id, after);
        if (before is { } upper)
        {
            query &= filter.Lt(m => m.Id, upper);
        }

        return PageAsync(query, newestFirst: false, limit, cancellationToken);
    }

    // One index range scan of `limit` + 1 documents (the extra one only tells whether more exist), oldest first.
    private async Task<HistoryPage> PageAsync(FilterDefinition<StoredMessage> query, bool newestFirst, int limit, CancellationToken cancellationToken)
    {
        var sort = Builders<StoredMessage>.Sort;
        var page = await Messages.Find(query)
            .Sort(newestFirst ? sort.Descending(m => m.Id) : sort.Ascending(m => m.Id))
            .Limit(limit + 1)
            .ToListAsync(cancellationToken);
        var hasMore = page.Count > limit;
        var count = Math.Min(page.Count, limit);
        var messages = new ChatMessage[count];
        for (var i = 0; i < count; i++)
        {
            messages[newestFirst ? count - 1 - i : i] = page[i].ToChatMessage();
        }

        return new HistoryPage(messages, hasMore);
    }

    /// <summary>Round trip to the server, for readiness.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        Messages.Database.RunCommandAsync((Command<BsonDocument>)"{ ping: 1 }", cancellationToken: cancellationToken);
}
