namespace ChatSocket.EmbeddedMongo.Journal;

/// <summary>A record appended but not yet durable: how to take its change back, and whose command it belongs to.</summary>
internal readonly record struct PendingRecord(Action? Undo, JournalTicket? Ticket);
