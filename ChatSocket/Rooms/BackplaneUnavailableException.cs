namespace ChatSocket.Rooms;

/// <summary>The backplane (Redis) could not be reached within its timeout: nothing was published or subscribed. The
/// layers above answer <c>unavailable</c>; the client may send or join again.</summary>
internal sealed class BackplaneUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
