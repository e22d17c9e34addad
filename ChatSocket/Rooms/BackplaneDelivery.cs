using ChatSocket.Messages;

namespace ChatSocket.Rooms;

/// <summary>A message the backplane delivered, and whether this node accepted it (and so stores it).</summary>
internal readonly record struct BackplaneDelivery(ChatMessage Message, bool FromThisNode);
