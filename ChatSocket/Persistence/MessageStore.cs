using ChatSocket.Messages;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Persistence;

/// <summary>
/// The messages collection, through MongoDB.Driver only, so the same code runs on the embedded engine and on Atlas.
/// </summary>
internal sealed class MessageStore(MongoConnection connection, MongoReachability reachability, ClientMsgIdLookups lookups, Microsoft.Extensions.Options.IOptions<PersistenceOptions> options) : IMessageArchive
{
    /// <summary>Name of the unique partial index that makes resends idempotent.</summary>
    public const string ClientMsgIdIndex = "room_sender_client_msg_id";

    /// <summary>Name of the history index.</summary>
    public const string HistoryIndex = "room_id_desc";

    /// <summary>Name of the text index of search: <c>{room_id: 1, content: "text"}</c>, no language (no stemming).</summary>
    public const string SearchIndex = "room_id_content_text";

    /// <summary>Name of the index of a room's statistics over a time range.</summary>
    public const string StatsIndex = "room_id_timestamp";

    /// <summary>Name of the index of the statistics across rooms over a time range.</summary>
    public const string TimestampIndex = "timestamp";

    private static readonly InsertManyOptions Unordered = new() { IsOrdered = false };

    // Filters, sorts and index keys are written as BSON, not as lambdas: the driver translates a lambda by reflection on
    // every call, which costs CPU on a busy node and which a Native AOT build cannot do for value-typed fields like _id.
    private static readonly BsonDocument NewestFirst = new("_id", -1);
    private static readonly BsonDocument OldestFirst = new("_id", 1);

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
        var history = new CreateIndexModel<StoredMessage>(
            new BsonDocument { { "room_id", 1 }, { "_id", -1 } },
            new CreateIndexOptions { Name = HistoryIndex });
        var resend = new CreateIndexModel<StoredMessage>(
            new BsonDocument { { "room_id", 1 }, { "sender", 1 }, { "client_msg_id", 1 } },
            new CreateIndexOptions<StoredMessage>
            {
                Name = ClientMsgIdIndex,
                Unique = true,
                PartialFilterExpression = new BsonDocument("client_msg_id", new BsonDocument("$exists", true)),
            });
        // default_language "none": no stemming or stop words, which would surprise a room that mixes languages. The
        // room prefix keeps a search inside one room's index entries (and makes the room equality mandatory).
        var search = new CreateIndexModel<StoredMessage>(
            new BsonDocument { { "room_id", 1 }, { "content", "text" } },
            new CreateIndexOptions { Name = SearchIndex, DefaultLanguage = "none" });
        var stats = new CreateIndexModel<StoredMessage>(
            new BsonDocument { { "room_id", 1 }, { "timestamp", 1 } },
            new CreateIndexOptions { Name = StatsIndex });
        var timestamp = new CreateIndexModel<StoredMessage>(
            new BsonDocument("timestamp", 1),
            new CreateIndexOptions { Name = TimestampIndex });
        await Messages.Indexes.CreateManyAsync(
            options.Value.SearchIndex ? [history, resend, search, stats, timestamp] : [history, resend, stats, timestamp],
            cancellationToken);
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
            var duplicates = new List<int>();
            foreach (var error in ex.WriteErrors)
            {
                if (error.Category == ServerErrorCategory.DuplicateKey)
                {
                    duplicates.Add(error.Index);
                }
                else
                {
                    outcomes[error.Index] = new InsertOutcome(false, batch[error.Index].Id, $"{error.Code}: {error.Message}");
                }
            }

            await ResolveDuplicatesAsync(batch, duplicates, outcomes, cancellationToken);
            return outcomes;
        }
    }

    private static bool IsFinal(BulkWriteError error) =>
        error.Category == ServerErrorCategory.DuplicateKey || RefusedForGood.Contains(error.Code);

    /// <summary>
    /// A duplicate counts as stored only when what is stored is this message: a document with its own id and the same
    /// content landed on an earlier try, or a document with its <c>client_msg_id</c> and the same content is the
    /// original of a resend (stored under the original's id). The same <c>client_msg_id</c> with other content is a
    /// conflict, not stored. Two queries for the whole batch, read with majority read concern when writes ask for
    /// majority, so only a durable document counts: a retry after a lost reply makes every document a duplicate, and
    /// one query each would hold the writer for a round trip per message.
    /// </summary>
    private async Task ResolveDuplicatesAsync(IReadOnlyList<StoredMessage> batch, List<int> duplicates, InsertOutcome[] outcomes, CancellationToken cancellationToken)
    {
        if (duplicates.Count == 0)
        {
            return;
        }

        var messages = connection.DurableMessages;
        var ids = new BsonArray(duplicates.Select(i => batch[i].Id));
        var landed = (await messages.Find(new BsonDocument("_id", new BsonDocument("$in", ids))).ToListAsync(cancellationToken))
            .ToDictionary(m => m.Id);
        var resends = duplicates.Where(i => !landed.ContainsKey(batch[i].Id) && batch[i].ClientMsgId is not null).ToList();
        var originals = new Dictionary<(string, string, string), StoredMessage>();
        if (resends.Count > 0)
        {
            var keys = resends.ConvertAll(i => ClientMsgIdFilter.Of(batch[i].RoomId, batch[i].Sender, batch[i].ClientMsgId!));
            foreach (var original in await messages.Find(ClientMsgIdFilter.AnyOf(keys)).ToListAsync(cancellationToken))
            {
                originals[(original.RoomId, original.Sender, original.ClientMsgId!)] = original;
            }
        }

        foreach (var i in duplicates)
        {
            var message = batch[i];
            if (landed.TryGetValue(message.Id, out var same))
            {
                outcomes[i] = IsSameMessage(same, message)
                    ? new InsertOutcome(true, message.Id, null)
                    : new InsertOutcome(false, message.Id, "another document is stored under this message's id");
            }
            else if (message.ClientMsgId is { } clientMsgId && originals.TryGetValue((message.RoomId, message.Sender, clientMsgId), out var original))
            {
                outcomes[i] = original.Content == message.Content
                    ? new InsertOutcome(true, original.Id, null)
                    : new InsertOutcome(false, message.Id, $"client_msg_id {clientMsgId} is already used by message {original.Id}", IsClientMsgIdConflict: true);
            }
            else
            {
                // A duplicate key, yet no durable document matches it (not majority-committed yet, or removed since):
                // nothing proves it is stored, so the batch is tried again.
                throw new DuplicateNotConfirmedException($"message {message.Id} met a duplicate key, but no durable document matches it");
            }
        }
    }

    private static bool IsSameMessage(StoredMessage stored, StoredMessage message) =>
        stored.RoomId == message.RoomId && stored.Sender == message.Sender && stored.Content == message.Content &&
        stored.ClientMsgId == message.ClientMsgId && stored.Timestamp == message.Timestamp;

    /// <summary>Looks up a <c>client_msg_id</c> through the unique index; database trouble becomes
    /// <see cref="ArchiveUnavailableException"/>.</summary>
    public Task<ChatMessage?> FindByClientMsgIdAsync(string roomId, string sender, string clientMsgId, CancellationToken cancellationToken)
    {
        ThrowIfNoneReachable();
        return lookups.FindAsync(roomId, sender, clientMsgId, cancellationToken);
    }

    /// <summary>Every <c>client_msg_id</c> this sender used in the room (a covered scan of the unique index's prefix),
    /// or null when there are more than <paramref name="max"/>; database trouble becomes
    /// <see cref="ArchiveUnavailableException"/>.</summary>
    public async Task<IReadOnlyList<string>?> ListClientMsgIdsAsync(string roomId, string sender, int max, CancellationToken cancellationToken)
    {
        ThrowIfNoneReachable();
        List<BsonDocument> keys;
        try
        {
            keys = await connection.DurableMessages
                .Find(ClientMsgIdFilter.AllOf(roomId, sender))
                .Project<BsonDocument>(new BsonDocument { { "_id", 0 }, { "client_msg_id", 1 } })
                .Limit(max + 1)
                .ToListAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            throw new ArchiveUnavailableException("the database could not list the client_msg_ids in use", ex);
        }

        return keys.Count > max ? null : keys.ConvertAll(k => k["client_msg_id"].AsString);
    }

    // While the heartbeats say no server can be reached, a read would only wait for the server-selection timeout (10 s
    // by default) and fail: it fails at once, and the caller answers "unavailable".
    private void ThrowIfNoneReachable()
    {
        if (reachability.NoneReachable)
        {
            throw new ArchiveUnavailableException($"MongoDB cannot be reached: {reachability.LastFailure}", innerException: null);
        }
    }

    public Task<HistoryPage> GetBeforeAsync(string roomId, ObjectId? before, int limit, CancellationToken cancellationToken)
    {
        var query = new BsonDocument("room_id", roomId);
        if (before is { } upper)
        {
            query.Add("_id", new BsonDocument("$lt", upper));
        }

        return PageAsync(query, newestFirst: true, limit, cancellationToken);
    }

    public Task<HistoryPage> GetAfterAsync(string roomId, ObjectId after, ObjectId? before, int limit, CancellationToken cancellationToken)
    {
        var range = new BsonDocument("$gt", after);
        if (before is { } upper)
        {
            range.Add("$lt", upper);
        }

        return PageAsync(new BsonDocument { { "room_id", roomId }, { "_id", range } }, newestFirst: false, limit, cancellationToken);
    }

    // One index range scan of `limit` + 1 documents (the extra one only tells whether more exist), oldest first;
    // database trouble becomes ArchiveUnavailableException.
    private async Task<HistoryPage> PageAsync(BsonDocument query, bool newestFirst, int limit, CancellationToken cancellationToken)
    {
        ThrowIfNoneReachable();
        List<StoredMessage> page;
        try
        {
            page = await Messages.Find(query)
                .Sort(newestFirst ? NewestFirst : OldestFirst)
                .Limit(limit + 1)
                .ToListAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            // An outage or a timeout: the layers above answer "unavailable" and never see the driver's exceptions.
            throw new ArchiveUnavailableException("history could not be read from the database", ex);
        }

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
