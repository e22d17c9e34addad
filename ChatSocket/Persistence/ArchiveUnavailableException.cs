namespace ChatSocket.Persistence;

/// <summary>The archive (MongoDB) could not answer: an outage or a timeout. Callers above persistence see this, not
/// the driver's exceptions.</summary>
internal sealed class ArchiveUnavailableException(string message, Exception? innerException) : Exception(message, innerException);
