namespace ChatSocket.Persistence;

/// <summary>The archive (MongoDB) could not answer: an outage or a timeout, or it is not there at all (persistence is
/// off). Callers above persistence see this, not the driver's exceptions; its message is ours and may be shown.</summary>
internal sealed class ArchiveUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
