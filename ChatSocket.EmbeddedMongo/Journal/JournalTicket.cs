namespace ChatSocket.EmbeddedMongo.Journal;

/// <summary>
/// The journal records of one command, so that its reply can tell whether they reached the disk or were rolled
/// back. Command handlers run synchronously on one thread, so the thread names the command while it runs.
/// </summary>
internal sealed class JournalTicket
{
    [ThreadStatic]
    private static JournalTicket? t_current;

    /// <summary>The ticket of the command running on this thread, if any.</summary>
    public static JournalTicket? Current => t_current;

    /// <summary>Sequence number of the command's last record; 0 when it appended none.</summary>
    public long Last { get; set; }

    /// <summary>Why one of its records was rolled back; set by the journal under its lock.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Runs <paramref name="action"/> with this ticket collecting the records it appends.</summary>
    public T Run<T>(Func<T> action)
    {
        t_current = this;
        try
        {
            return action();
        }
        finally
        {
            t_current = null;
        }
    }
}
