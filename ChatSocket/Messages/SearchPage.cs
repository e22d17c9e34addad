namespace ChatSocket.Messages;

/// <summary>A page of search results, best match first (then newest); <c>HasMore</c> when the next page is not empty.</summary>
internal sealed record SearchPage(IReadOnlyList<SearchHit> Hits, bool HasMore)
{
    public static SearchPage Empty { get; } = new([], false);
}
