using System.Text.Json;
using ChatSocket.Chat;

namespace ChatSocket.Tests.Chat;

/// <summary>An <see cref="IChatClient"/> that keeps what it is sent, as parsed JSON, and whether it went around the
/// send queue's cap.</summary>
internal sealed class RecordingClient(string user) : IChatClient
{
    public string User => user;

    public bool IsClosing { get; set; }

    public List<(JsonElement Frame, bool Reply)> Sent { get; } = [];

    public void Send(ReadOnlyMemory<byte> frame) => Sent.Add((Parse(frame), false));

    public bool SendDeferred(ReadOnlyMemory<byte> frame)
    {
        Send(frame);
        return false;
    }

    public void WakeSendLoop()
    {
        // Nothing is deferred.
    }

    public void SendReply(ReadOnlyMemory<byte> frame) => Sent.Add((Parse(frame), true));

    // A server frame is a WebSocket text frame: skip the header (2 bytes, or 4 with a 16-bit length) to its JSON.
    private static JsonElement Parse(ReadOnlyMemory<byte> frame)
    {
        var header = (frame.Span[1] & 0x7F) == 126 ? 4 : 2;
        return JsonDocument.Parse(frame[header..]).RootElement.Clone();
    }
}
