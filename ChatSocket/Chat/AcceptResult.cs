using ChatSocket.Messages;

namespace ChatSocket.Chat;

/// <summary>What happened to a sent message; <see cref="Message"/> is set when it was accepted.</summary>
internal readonly record struct AcceptResult(AcceptStatus Status, ChatMessage? Message);
