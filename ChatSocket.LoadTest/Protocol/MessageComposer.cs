using System.Text;
using ChatSocket.LoadTest.Options;

namespace ChatSocket.LoadTest.Protocol;

/// <summary>
/// Builds one sender's outgoing messages in a reused buffer: the JSON or raw text is laid out once, and each message
/// only rewrites the marker (and, for ChatSocket, the client_msg_id) in place.
/// </summary>
internal sealed class MessageComposer
{
    private readonly byte[] _buffer;
    private readonly int _markerOffset;
    private readonly int _idOffset;

    /// <summary>Lays out messages for a sender in <paramref name="room"/> with <paramref name="size"/> payload bytes.</summary>
    public MessageComposer(WireProtocol protocol, string room, int size)
    {
        var content = new string('x', size);
        if (protocol == WireProtocol.Raw)
        {
            _buffer = Encoding.ASCII.GetBytes(content);
            _markerOffset = 0;
            _idOffset = -1;
            return;
        }

        var placeholderId = new string('0', PayloadMarker.CoreLength);
        var prefix = $"{{\"type\":\"send\",\"room_id\":\"{room}\",\"content\":\"";
        var middle = "\",\"client_msg_id\":\"";
        var json = prefix + content + middle + placeholderId + "\"}";
        _buffer = Encoding.ASCII.GetBytes(json);
        _markerOffset = prefix.Length;
        _idOffset = prefix.Length + content.Length + middle.Length;
    }

    /// <summary>The next message: valid until the next call.</summary>
    public ReadOnlySpan<byte> Compose(int sender, uint sequence, long sendTicks)
    {
        PayloadMarker.Write(_buffer.AsSpan(_markerOffset), sender, sequence, sendTicks);
        if (_idOffset >= 0)
        {
            PayloadMarker.WriteCore(_buffer.AsSpan(_idOffset), sender, sequence, sendTicks);
        }

        return _buffer;
    }
}
