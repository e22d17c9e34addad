namespace ChatSocket.Search;

/// <summary>Why a search request was refused: the offending parameter and a sentence for the client.</summary>
internal sealed record SearchRequestError(string Field, string Message);
