namespace ChatSocket.Messages;

/// <summary>A stored message that matched a search, with MongoDB's text score (higher is a better match).</summary>
internal sealed record SearchHit(ChatMessage Message, double Score);
