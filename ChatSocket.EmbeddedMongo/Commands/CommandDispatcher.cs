using ChatSocket.EmbeddedMongo.Cursors;
using ChatSocket.EmbeddedMongo.Faults;
using ChatSocket.EmbeddedMongo.Hosting;
using ChatSocket.EmbeddedMongo.Journal;
using ChatSocket.EmbeddedMongo.Storage;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>
/// Runs one command: applies injected faults, executes the handler (synchronous, in memory), then waits for the
/// journal when the command changed data, so that a reply always means "durable" with a data directory.
/// </summary>
internal sealed class CommandDispatcher(StorageEngine storage, CursorStore cursors, FaultInjector faults, Func<int> connectionCount, ILogger logger)
{
    /// <summary>Returns the reply, or null when the connection must be closed without one (an injected fault).</summary>
    public async ValueTask<CommandReply?> ExecuteAsync(
        BsonDocument body,
        string database,
        IReadOnlyDictionary<string, List<ReadOnlyMemory<byte>>> sequences,
        int connectionId,
        CancellationToken cancellationToken)
    {
        if (body.ElementCount == 0)
        {
            return DocumentReply.Error(ErrorCodes.FailedToParse, "Empty command object");
        }

        var name = body.GetElement(0).Name;
        if (!FaultInjector.IsExempt(name))
        {
            var latency = faults.Latency;
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, cancellationToken);
            }
        }

        var closeAfter = false;
        if (faults.Match(name) is { } fault)
        {
            closeAfter = fault.CloseAfterExecution;
            if (fault.Delay > TimeSpan.Zero)
            {
                await Task.Delay(fault.Delay, cancellationToken);
            }

            if (fault.CloseConnection)
            {
                return null;
            }

            if (fault.ErrorCode is { } code)
            {
                return DocumentReply.Error(code, fault.ErrorMessage ?? $"Injected fault: {name} failed with code {code}", fault.ErrorLabels);
            }
        }

        var context = new CommandContext(name, database, body, sequences, storage, cursors, connectionId);
        var ticket = new JournalTicket();
        try
        {
            if (storage.Journal is { } pending)
            {
                await pending.WaitForRoomAsync(cancellationToken);
            }

            var rollbacks = storage.Journal?.Rollbacks ?? 0;
            var reply = ticket.Run(() => Execute(context));
            if ((context.Wrote || ticket.Last > 0) && storage.Journal is { } journal)
            {
                await journal.WaitDurableAsync(ticket, cancellationToken);
            }
            else if (IsWrite(name) && storage.Journal is { } settled)
            {
                // A write that changed nothing (every document a duplicate key, no match) may have met a document
                // whose record still waits for its fsync: answered now, a duplicate could rest on a write that is
                // then rolled back. It waits for those records, and fails as they did if they were rolled back.
                await settled.WaitSettledAsync(rollbacks, cancellationToken);
            }

            return closeAfter ? null : reply;
        }
        catch (CommandException e)
        {
            return DocumentReply.Error(e.Code, e.Message);
        }
        catch (DuplicateKeyException e)
        {
            return DocumentReply.Error(ErrorCodes.DuplicateKey, e.Message);
        }
        catch (InvalidCastException e)
        {
            // A field of the wrong BSON type (BsonValue.AsX): the client's mistake, answered as MongoDB does.
            return DocumentReply.Error(ErrorCodes.TypeMismatch, $"{name}: a field has the wrong type ({e.Message})");
        }
        catch (KeyNotFoundException e)
        {
            return DocumentReply.Error(ErrorCodes.FailedToParse, $"{name}: a required field is missing ({e.Message})");
        }
        catch (IOException e)
        {
            // The journal refused or lost this command's writes; they are rolled back (or are being, so wait for
            // that: the error must not be answered while they are still visible).
            EngineLog.JournalFailed(logger, e);
            if (ticket.Last > 0 && storage.Journal is { } journal)
            {
                await journal.WaitResolvedAsync(ticket.Last, cancellationToken);
            }

            return DocumentReply.Error(ErrorCodes.OfJournalFailure(e), e.Message);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            // Arguments the handlers could not make sense of: the client's mistake, answered and logged at Debug.
            EngineLog.CommandRejected(logger, e, name, connectionId);
            return DocumentReply.Error(ErrorCodes.BadValue, $"{name} failed: {e.Message}");
        }
    }

    private CommandReply Execute(CommandContext context) => context.Name switch
    {
        "hello" => new DocumentReply(AdminCommands.Hello(legacyName: false, context.ConnectionId)),
        "isMaster" or "ismaster" => new DocumentReply(AdminCommands.Hello(legacyName: true, context.ConnectionId)),
        "ping" => new DocumentReply([]),
        "serverStatus" => new DocumentReply(new BsonDocument
        {
            { "host", "127.0.0.1" },
            { "version", "7.0.0" },
            { "process", "chatsocket-embedded" },
            { "localTime", new BsonDateTime(DateTime.UtcNow) },
            { "connections", new BsonDocument("current", connectionCount()) },
        }),
        "buildInfo" or "buildinfo" => AdminCommands.BuildInfo(),
        "getParameter" => AdminCommands.GetParameter(context),
        "endSessions" or "killSessions" or "refreshSessions" => new DocumentReply([]),
        "whatsmyuri" => new DocumentReply(new BsonDocument("you", "127.0.0.1")),
        "connectionStatus" => new DocumentReply(new BsonDocument("authInfo", new BsonDocument { { "authenticatedUsers", new BsonArray() }, { "authenticatedUserRoles", new BsonArray() } })),
        "listDatabases" => AdminCommands.ListDatabases(context),
        "listCollections" => AdminCommands.ListCollections(context),
        "create" => AdminCommands.Create(context),
        "drop" => AdminCommands.Drop(context),
        "dropDatabase" => AdminCommands.DropDatabase(context),
        "insert" => WriteCommands.Insert(context),
        "delete" => WriteCommands.Delete(context),
        "update" => WriteCommands.Update(context),
        "findAndModify" or "findandmodify" => WriteCommands.FindAndModify(context),
        "find" => ReadCommands.Find(context),
        "getMore" => ReadCommands.GetMore(context),
        "killCursors" => ReadCommands.KillCursors(context),
        "count" => ReadCommands.Count(context),
        "distinct" => ReadCommands.Distinct(context),
        "aggregate" => AggregateCommand.Run(context),
        "explain" => ExplainCommand.Run(context),
        "createIndexes" => IndexCommands.CreateIndexes(context),
        "listIndexes" => IndexCommands.ListIndexes(context),
        "dropIndexes" or "deleteIndexes" => IndexCommands.DropIndexes(context),
        "configureFailPoint" => ConfigureFailPoint(context),
        _ => throw new CommandException(ErrorCodes.CommandNotFound, $"no such command: '{context.Name}' (not supported by the embedded engine)"),
    };

    private static bool IsWrite(string name) => name is "insert" or "update" or "delete" or "findAndModify" or "findandmodify";

    private CommandReply ConfigureFailPoint(CommandContext context)
    {
        if (context.Database != "admin")
        {
            throw new CommandException(13, "configureFailPoint may only be run against the admin database.");
        }

        faults.ConfigureFailPoint(context.Body);
        return new DocumentReply([]);
    }
}
