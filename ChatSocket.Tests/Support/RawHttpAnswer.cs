namespace ChatSocket.Tests.Support;

/// <summary>An HTTP/1.1 response as read off a socket by <see cref="RawHttpConnection"/>: status, headers (names
/// case-insensitive, repeated ones joined with ", ") and the body (chunked framing removed).</summary>
internal sealed record RawHttpAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>A header's value, or null when the response has none.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
