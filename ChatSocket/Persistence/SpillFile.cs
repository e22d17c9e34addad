using System.Buffers.Binary;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace ChatSocket.Persistence;

/// <summary>
/// Messages that could not be stored before shutdown, kept in the data directory as a sequence of BSON documents
/// (each carries its own length) and fsync'd, then stored first at the next start.
/// </summary>
internal sealed partial class SpillFile(IOptions<PersistenceOptions> options, ILogger<SpillFile> logger)
{
    private const string Prefix = "spill-";
    private const string Extension = ".bson";
    private const string TemporarySuffix = ".tmp";

    private readonly HashSet<string> _damaged = new(StringComparer.Ordinal);

    public string Directory => Path.GetFullPath(options.Value.DataDirectory);

    /// <summary>Writes the messages to a new spill file and flushes it to disk.</summary>
    public async Task WriteAsync(IReadOnlyCollection<StoredMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"{Prefix}{DateTime.UtcNow:yyyyMMddHHmmssfffffff}{Extension}");
        var temporary = path + TemporarySuffix;
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            foreach (var message in messages)
            {
                await stream.WriteAsync(message.ToBson(), cancellationToken);
            }

            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        // The rename makes a half-written file impossible to read back as a whole one.
        File.Move(temporary, path);
        LogSpilled(logger, messages.Count, path);
    }

    /// <summary>The spill files left by earlier runs, oldest first. A <c>.tmp</c> one was fsync'd but the process
    /// died before its rename: it is restored too (a half-written tail is skipped by <see cref="ReadAsync"/>).</summary>
    public IReadOnlyList<string> Find() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, Prefix + "*" + Extension)
                .Concat(System.IO.Directory.GetFiles(Directory, Prefix + "*" + Extension + TemporarySuffix))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];

    /// <summary>Reads one spill file. A damaged tail is reported and skipped; what precedes it is returned.</summary>
    public async Task<List<StoredMessage>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var messages = new List<StoredMessage>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var remaining = bytes.Length - offset;
            var length = remaining >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset)) : -1;
            if (length < 5 || length > remaining)
            {
                LogDamaged(logger, path, offset);
                break;
            }

            try
            {
                using var reader = new BsonBinaryReader(new MemoryStream(bytes, offset, length, writable: false));
                messages.Add(BsonSerializer.Deserialize<StoredMessage>(reader));
            }
            catch (Exception ex) when (ex is FormatException or BsonException or IOException)
            {
                // One unreadable document must not stop the writer (nothing would ever be stored again): skip it,
                // the file is kept aside for a person to look at.
                LogDamagedDocument(logger, ex, path, offset);
                MarkDamaged(path);
            }

            offset += length;
        }

        if (offset < bytes.Length)
        {
            MarkDamaged(path);
        }

        return messages;
    }

    /// <summary>Removes a spill file whose messages are all stored; a damaged one is renamed to <c>.damaged</c>
    /// instead, so that what could not be read is not destroyed.</summary>
    public void Delete(string path)
    {
        bool damaged;
        lock (_damaged)
        {
            damaged = _damaged.Remove(path);
        }

        if (damaged)
        {
            File.Move(path, path + ".damaged", overwrite: true);
        }
        else
        {
            File.Delete(path);
        }
    }

    private void MarkDamaged(string path)
    {
        lock (_damaged)
        {
            _damaged.Add(path);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Spilled {Count} unstored messages to {Path}; they are stored at the next start")]
    private static partial void LogSpilled(ILogger logger, int count, string path);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Spill file {Path} is damaged at byte {Offset}; the rest of it is skipped")]
    private static partial void LogDamaged(ILogger logger, string path, int offset);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Spill file {Path} has an unreadable document at byte {Offset}; it is skipped and the file kept as .damaged")]
    private static partial void LogDamagedDocument(ILogger logger, Exception exception, string path, int offset);
}
