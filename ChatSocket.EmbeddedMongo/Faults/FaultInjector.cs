using ChatSocket.EmbeddedMongo.Commands;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Faults;

/// <summary>
/// Fault injection for tests: failing commands with a chosen error code, closing connections, added latency,
/// dropping and refusing connections. Rules without command names never hit the handshake and monitoring commands
/// (hello, isMaster, buildInfo, getParameter, endSessions, configureFailPoint), so the driver's heartbeats do not
/// use them up. The <c>configureFailPoint</c> command (<c>failCommand</c>) drives the same machinery.
/// </summary>
public sealed class FaultInjector
{
    private static readonly HashSet<string> Exempt = new(StringComparer.Ordinal)
    {
        "hello", "isMaster", "ismaster", "buildInfo", "buildinfo", "getParameter", "endSessions", "configureFailPoint",
    };

    private readonly object _sync = new();
    private readonly List<FaultRule> _rules = [];
    private readonly Action _dropConnections;
    private FaultRule? _failPoint;
    private long _latencyTicks;
    private volatile bool _refuse;
    private long _injected;
    private int _journalWriteFaults;
    private int _journalFlushFaults;

    internal FaultInjector(Action dropConnections)
    {
        _dropConnections = dropConnections;
    }

    /// <summary>How many commands a fault has failed, closed or delayed so far.</summary>
    public long InjectedCount => Interlocked.Read(ref _injected);

    /// <summary>Whether new connections are being closed as soon as they are accepted.</summary>
    public bool IsRefusingConnections => _refuse;

    /// <summary>
    /// The next <paramref name="count"/> commands (named <paramref name="commandName"/>, or any non-handshake
    /// command) fail with <paramref name="errorCode"/>, e.g. 91 ShutdownInProgress or 11600 InterruptedAtShutdown,
    /// which the driver treats as a server going away (it clears the pool and re-checks the server).
    /// </summary>
    public void FailNextCommands(int count, int errorCode, string? commandName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Add(new FaultRule { Remaining = count, ErrorCode = errorCode, Commands = NamesOf(commandName) });
    }

    /// <summary>Every matching command fails with <paramref name="errorCode"/> until <see cref="Reset"/>.</summary>
    public void FailCommands(int errorCode, string? commandName = null) =>
        Add(new FaultRule { ErrorCode = errorCode, Commands = NamesOf(commandName) });

    /// <summary>
    /// The next <paramref name="count"/> matching commands get no reply: their connection is closed, which the
    /// driver reports as a network error (MongoConnectionException).
    /// </summary>
    public void CloseConnectionOnNextCommands(int count, string? commandName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Add(new FaultRule { Remaining = count, CloseConnection = true, Commands = NamesOf(commandName) });
    }

    /// <summary>
    /// The next <paramref name="count"/> matching commands run (and are durable) but their connection is closed
    /// instead of answering: the write happened although the client saw a network error, as when a server dies
    /// between applying a write and replying. A retry must then cope with its own earlier write.
    /// </summary>
    public void CloseConnectionAfterNextCommands(int count, string? commandName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Add(new FaultRule { Remaining = count, CloseAfterExecution = true, Commands = NamesOf(commandName) });
    }

    /// <summary>
    /// The next <paramref name="count"/> journal writes (one per group-commit batch) fail as on a full disk: half of
    /// the batch reaches the file (a torn record), then an <see cref="IOException"/> "No space left on device".
    /// With a data directory only.
    /// </summary>
    public void FailNextJournalWrites(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Interlocked.Exchange(ref _journalWriteFaults, count);
    }

    /// <summary>
    /// The next <paramref name="count"/> journal fsyncs fail with an <see cref="IOException"/> "No space left on
    /// device" (after the write went through). With a data directory only.
    /// </summary>
    public void FailNextJournalFlushes(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Interlocked.Exchange(ref _journalFlushFaults, count);
    }

    /// <summary>Uses up one journal write fault, if any is left.</summary>
    internal bool TakeJournalWriteFault() => Take(ref _journalWriteFaults);

    /// <summary>Uses up one journal fsync fault, if any is left.</summary>
    internal bool TakeJournalFlushFault() => Take(ref _journalFlushFaults);

    private bool Take(ref int remaining)
    {
        var current = Volatile.Read(ref remaining);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref remaining, current - 1, current);
            if (seen == current)
            {
                Interlocked.Increment(ref _injected);
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Adds a delay before every non-handshake command is executed (TimeSpan.Zero to stop).</summary>
    public void SetLatency(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        Interlocked.Exchange(ref _latencyTicks, latency.Ticks);
    }

    /// <summary>Closes every open client connection now (in-flight commands get no reply).</summary>
    public void DropConnections() => _dropConnections();

    /// <summary>While true, new connections are accepted and closed at once (the listener stays bound).</summary>
    public void RefuseConnections(bool refuse) => _refuse = refuse;

    /// <summary>Removes every fault: rules, the failCommand fail point, journal faults, latency and refusal.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            _rules.Clear();
            _failPoint = null;
        }

        Interlocked.Exchange(ref _journalWriteFaults, 0);
        Interlocked.Exchange(ref _journalFlushFaults, 0);
        SetLatency(TimeSpan.Zero);
        _refuse = false;
    }

    internal TimeSpan Latency => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));

    internal static bool IsExempt(string commandName) => Exempt.Contains(commandName);

    /// <summary>Finds the fault for a command (using up one of its times), if any.</summary>
    internal FaultAction? Match(string commandName)
    {
        lock (_sync)
        {
            if (_failPoint is not null && Hits(_failPoint, commandName))
            {
                var action = Use(_failPoint);
                if (_failPoint.Remaining == 0)
                {
                    _failPoint = null;
                }

                return action;
            }

            for (var i = 0; i < _rules.Count; i++)
            {
                var rule = _rules[i];
                if (Hits(rule, commandName))
                {
                    var action = Use(rule);
                    if (rule.Remaining == 0)
                    {
                        _rules.RemoveAt(i);
                    }

                    return action;
                }
            }
        }

        return null;
    }

    private FaultAction Use(FaultRule rule)
    {
        rule.Remaining--;
        Interlocked.Increment(ref _injected);
        return new FaultAction(rule.Block, rule.CloseConnection, rule.CloseAfterExecution, rule.ErrorCode, rule.ErrorMessage, rule.ErrorLabels);
    }

    private static bool Hits(FaultRule rule, string commandName) =>
        rule.Commands is null ? !IsExempt(commandName) : rule.Commands.Contains(commandName);

    /// <summary>Applies <c>{configureFailPoint: "failCommand", mode, data}</c> as a real server with test commands does.</summary>
    internal void ConfigureFailPoint(BsonDocument command)
    {
        var name = command[0];
        if (!name.IsString || name.AsString != "failCommand")
        {
            throw new CommandException(ErrorCodes.BadValue, $"Cannot find failpoint '{name}' (the embedded engine supports failCommand only)");
        }

        var mode = command.GetValue("mode", BsonNull.Value);
        int? times;
        switch (mode)
        {
            case BsonString { Value: "off" }:
                lock (_sync)
                {
                    _failPoint = null;
                }

                return;
            case BsonString { Value: "alwaysOn" }:
                times = null;
                break;
            case BsonDocument d when d.Contains("times"):
                times = d["times"].ToInt32();
                if (times <= 0)
                {
                    lock (_sync)
                    {
                        _failPoint = null;
                    }

                    return;
                }

                break;
            default:
                throw new CommandException(ErrorCodes.BadValue, $"unsupported fail point mode {mode} (the embedded engine supports \"off\", \"alwaysOn\" and {{times: n}})");
        }

        var data = command.GetValue("data", new BsonDocument()) as BsonDocument ?? throw new CommandException(ErrorCodes.TypeMismatch, "data must be an object");
        if (data.GetValue("failCommands", BsonNull.Value) is not BsonArray commands || commands.Count == 0)
        {
            throw new CommandException(ErrorCodes.BadValue, "failCommand fail point requires a non-empty 'failCommands' array");
        }

        foreach (var option in data.Names)
        {
            if (option is not ("failCommands" or "errorCode" or "closeConnection" or "blockConnection" or "blockTimeMS" or "errorLabels" or "appName" or "namespace"))
            {
                throw new CommandException(ErrorCodes.BadValue, $"failCommand option '{option}' is not supported by the embedded engine");
            }
        }

        var block = data.GetValue("blockConnection", false).ToBoolean() ? TimeSpan.FromMilliseconds(data.GetValue("blockTimeMS", 0).ToInt32()) : TimeSpan.Zero;
        var rule = new FaultRule
        {
            Remaining = times,
            Commands = [.. commands.Select(c => c.AsString)],
            ErrorCode = data.TryGetValue("errorCode", out var code) ? code.ToInt32() : null,
            ErrorMessage = "Failing command via 'failCommand' failpoint",
            CloseConnection = data.GetValue("closeConnection", false).ToBoolean(),
            Block = block,
            ErrorLabels = data.GetValue("errorLabels", BsonNull.Value) as BsonArray,
        };
        lock (_sync)
        {
            _failPoint = rule;
        }
    }

    private void Add(FaultRule rule)
    {
        lock (_sync)
        {
            // Bounded: tests add a handful; a runaway caller replaces the oldest.
            if (_rules.Count >= 1000)
            {
                _rules.RemoveAt(0);
            }

            _rules.Add(rule);
        }
    }

    private static HashSet<string>? NamesOf(string? commandName) => commandName is null ? null : [commandName];
}
