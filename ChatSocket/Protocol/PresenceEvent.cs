namespace ChatSocket.Protocol;

/// <summary>One member's join or leave as a <c>presence</c> or <c>presence_batch</c> frame carries it;
/// <paramref name="Members"/> is the room's count right after it.</summary>
internal readonly record struct PresenceEvent(string User, bool Joined, int Members);
