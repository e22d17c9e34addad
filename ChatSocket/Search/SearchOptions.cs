using System.ComponentModel.DataAnnotations;

namespace ChatSocket.Search;

/// <summary>Limits of message search (<c>GET /api/rooms/{room_id}/search</c> and the <c>search</c> frame), bound from
/// the <c>Search</c> configuration section and validated at start.</summary>
internal sealed class SearchOptions
{
    public const string Section = "Search";

    /// <summary>Longest <c>q</c> in characters after trimming (default 200). Longer: <c>bad_request</c>.</summary>
    [Range(1, 10_000)]
    public int MaxQueryLength { get; set; } = 200;

    /// <summary>Most words, phrases and exclusions in <c>q</c> (default 10). More: <c>bad_request</c>.</summary>
    [Range(1, 100)]
    public int MaxTerms { get; set; } = 10;

    /// <summary>Results per page when <c>limit</c> is not given (default 20).</summary>
    [Range(1, 1_000)]
    public int DefaultLimit { get; set; } = 20;

    /// <summary>Largest <c>limit</c> (default 100). Larger: <c>bad_request</c>.</summary>
    [Range(1, 1_000)]
    public int MaxLimit { get; set; } = 100;
}
