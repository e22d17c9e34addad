using ChatSocket.EmbeddedMongo.Journal;
using Microsoft.Extensions.Logging;

namespace ChatSocket.EmbeddedMongo;

/// <summary>Settings of an <see cref="EmbeddedMongoServer"/>.</summary>
public sealed class EmbeddedMongoOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 (the default) picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Directory for the journal (<c>journal.bin</c>); null (the default) keeps everything in memory only.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>Where the engine logs; the logging configuration decides the level. Default: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The least severe level the engine logs (on top of the logger factory's own filters). Default Information.
    /// </summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Information;

    /// <summary>Open client connections at most; more are closed as soon as accepted. Default 1,000.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>Open cursors at most; beyond it the least recently used is killed. Default 10,000.</summary>
    public int MaxOpenCursors { get; set; } = 10_000;

    /// <summary>An idle cursor is killed after this long, as mongod does after 10 minutes. Default 10 minutes.</summary>
    public TimeSpan CursorTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Journal bytes buffered but not yet on disk before new writes wait for the disk. Default 64 MiB.
    /// </summary>
    public long MaxJournalBufferBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// At start, a journal larger than this and more than twice the live data is rewritten as the live data only.
    /// Default 64 MiB.
    /// </summary>
    public long CompactJournalAboveBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Wraps the journal file, for tests that watch its writes and fsyncs. Default none.</summary>
    internal Func<IJournalFile, IJournalFile>? JournalFileDecorator { get; set; }

    /// <summary>Throws if a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 0, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxConnections, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxOpenCursors, nameof(MaxOpenCursors));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CursorTimeout, TimeSpan.Zero, nameof(CursorTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJournalBufferBytes, 1024 * 1024, nameof(MaxJournalBufferBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(CompactJournalAboveBytes, nameof(CompactJournalAboveBytes));
        if (DataDirectory is { Length: 0 })
        {
            throw new ArgumentException("DataDirectory must be null (in memory) or a path.", nameof(DataDirectory));
        }
    }
}
