using System.Text;
using ChatSocket.LoadTest.Options;

namespace ChatSocket.LoadTest.Protocol;

/// <summary>The connect path and the join frame for each protocol.</summary>
internal static class ProtocolFrames
{
    /// <summary>The request target for a client of <paramref name="room"/> named <paramref name="user"/>: raw peers take the
    /// room from the URL; ChatSocket clients join with a frame (<see cref="Join"/>), so only the user is in the URL.</summary>
    public static string PathAndQuery(Uri url, WireProtocol protocol, string room, string user)
    {
        var query = protocol == WireProtocol.Raw ? $"room={Uri.EscapeDataString(room)}&user={Uri.EscapeDataString(user)}" : $"user={Uri.EscapeDataString(user)}";
        var existing = url.Query.TrimStart('?');
        return url.AbsolutePath + "?" + (existing.Length > 0 ? existing + "&" : "") + query;
    }

    /// <summary>ChatSocket's join frame.</summary>
    public static byte[] Join(string room, int history) =>
        Encoding.UTF8.GetBytes($"{{\"type\":\"join\",\"room_id\":\"{room}\",\"history\":{history}}}");
}
