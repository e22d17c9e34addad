using System.Text.Json;

namespace ChatSocket.Tests.Support;

/// <summary>Reads <c>presence</c> and <c>presence_batch</c> frames alike, as a client applies them.</summary>
internal static class PresenceFrames
{
    /// <summary>Whether the frame is a <c>presence</c> or a <c>presence_batch</c>.</summary>
    public static bool IsPresence(JsonElement frame) => frame.GetProperty("type").GetString() is "presence" or "presence_batch";

    /// <summary>The frame's events in order, each as "user event" ("bob join").</summary>
    public static IReadOnlyList<string> Events(JsonElement frame) =>
        frame.GetProperty("type").GetString() == "presence"
            ? [Event(frame)]
            : [.. frame.GetProperty("events").EnumerateArray().Select(Event)];

    private static string Event(JsonElement e) => $"{e.GetProperty("user").GetString()} {e.GetProperty("event").GetString()}";
}
