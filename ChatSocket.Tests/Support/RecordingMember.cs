using System.Text.Json;
using ChatSocket.Rooms;

namespace ChatSocket.Tests.Support;

/// <summary>A room member that keeps the frames it is sent, decoded to JSON.</summary>
internal sealed class RecordingMember(string user) : IRoomMember
{
    private readonly List<JsonElement> _frames = [];

    public string User { get; } = user;

    public IReadOnlyList<JsonElement> Frames => _frames;

    public void Send(ReadOnlyMemory<byte> frame) => _frames.Add(Decode(frame.Span));

    public bool SendDeferred(ReadOnlyMemory<byte> frame)
    {
        Send(frame);
        return false;
    }

    public void WakeSendLoop()
    {
    }

    // A server frame is unmasked: a 2-byte header, 2 more for a 16-bit length, 8 more for a 64-bit one.
    private static JsonElement Decode(ReadOnlySpan<byte> frame)
    {
        var length = frame[1] & 0x7F;
        var header = length switch { 126 => 4, 127 => 10, _ => 2 };
        using var document = JsonDocument.Parse(frame[header..].ToArray());
        return document.RootElement.Clone();
    }
}
