namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>Cuts results into batches: 101 documents by default for the first, the rest for a getMore, 16 MiB at most.</summary>
internal static class CursorBatches
{
    public const int DefaultFirstBatch = 101;
    private const int MaxBatchBytes = 16 * 1024 * 1024 - 16 * 1024;

    public static CommandReply First(CommandContext context, string ns, List<byte[]> documents, int? batchSize, bool singleBatch)
    {
        if (batchSize < 0)
        {
            throw new CommandException(ErrorCodes.BadValue, "batchSize must be non-negative");
        }

        var count = Take(documents, 0, batchSize ?? DefaultFirstBatch);
        if (singleBatch || count == documents.Count)
        {
            return new CursorReply(ns, 0, first: true, documents, 0, count);
        }

        var cursor = context.Cursors.Open(ns, documents, count);
        return new CursorReply(ns, cursor.Id, first: true, documents, 0, count);
    }

    /// <summary>How many documents from <paramref name="start"/> fit in one batch of at most <paramref name="limit"/>.</summary>
    public static int Take(List<byte[]> documents, int start, int limit)
    {
        var bytes = 0;
        var count = 0;
        for (var i = start; i < documents.Count && count < limit; i++)
        {
            bytes += documents[i].Length;
            if (bytes > MaxBatchBytes && count > 0)
            {
                break;
            }

            count++;
        }

        return count;
    }
}
