namespace ChatSocket.Persistence;

/// <summary>An insert met a duplicate key, but no durable stored document proves that the message itself is stored:
/// the writer treats it like any transient failure and tries the batch again.</summary>
internal sealed class DuplicateNotConfirmedException(string message) : Exception(message);
