using System.Buffers;
using System.Buffers.Binary;

namespace ChatSocket.LoadTest.Client;

/// <summary>
/// Parses the server's frames out of a receive buffer: hands complete text messages to an <see cref="IFrameHandler"/>,
/// reassembles fragmented ones in a pooled buffer, and reports pings and the close frame to its owner, which decides
/// what to send back. Not thread-safe: it belongs to one receive loop.
/// </summary>
internal sealed class FrameParser
{
    private readonly int _maxFrame;
    private readonly Action<ReadOnlySpan<byte>> _onPing;
    private byte[]? _message;
    private int _messageLength;

    /// <param name="maxFrame">Largest payload accepted, for one frame and for a reassembled message.</param>
    /// <param name="onPing">Called with a ping's payload, which the pong has to echo.</param>
    public FrameParser(int maxFrame, Action<ReadOnlySpan<byte>> onPing)
    {
        _maxFrame = maxFrame;
        _onPing = onPing;
    }

    /// <summary>Handles every complete frame at the start of <paramref name="data"/>; returns the bytes consumed and, when
    /// a frame is incomplete, the bytes it needs in all. Stops after a close frame and returns its status.</summary>
    /// <exception cref="InvalidDataException">The server broke the protocol or a limit.</exception>
    public int Parse(ReadOnlySpan<byte> data, IFrameHandler handler, long now, out int needed, out int? closeStatus)
    {
        var offset = 0;
        needed = 0;
        closeStatus = null;
        while (FrameHeader.TryRead(data[offset..], out var header))
        {
            if (header.PayloadLength > _maxFrame)
            {
                throw new InvalidDataException($"frame of {header.PayloadLength} bytes");
            }

            if (header.Masked)
            {
                throw new InvalidDataException("the server masked a frame");
            }

            var total = header.HeaderLength + (int)header.PayloadLength;
            if (data.Length - offset < total)
            {
                needed = total;
                return offset;
            }

            var payload = data.Slice(offset + header.HeaderLength, (int)header.PayloadLength);
            offset += total;
            switch (header.Opcode)
            {
                case WebSocketOpcode.Text when header.Final && _message is null:
                    handler.OnText(payload, now);
                    break;
                case WebSocketOpcode.Text or WebSocketOpcode.Binary or WebSocketOpcode.Continuation:
                    AppendFragment(payload, header, handler, now);
                    break;
                case WebSocketOpcode.Ping:
                    _onPing(payload);
                    break;
                case WebSocketOpcode.Pong:
                    break;
                case WebSocketOpcode.Close:
                    closeStatus = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
                    return offset;
                default:
                    throw new InvalidDataException($"unknown opcode {header.Opcode}");
            }
        }

        return offset;
    }

    /// <summary>Gives back the buffer of a message that was still being reassembled.</summary>
    public void ReturnBuffers()
    {
        if (_message is not null)
        {
            ArrayPool<byte>.Shared.Return(_message);
            _message = null;
            _messageLength = 0;
        }
    }

    private void AppendFragment(ReadOnlySpan<byte> payload, FrameHeader header, IFrameHandler handler, long now)
    {
        if (header.Opcode != WebSocketOpcode.Continuation && _message is not null)
        {
            throw new InvalidDataException("a new message started inside a fragmented one");
        }

        if (header.Opcode == WebSocketOpcode.Continuation && _message is null)
        {
            throw new InvalidDataException("a continuation frame without a message");
        }

        if (_messageLength + payload.Length > _maxFrame)
        {
            throw new InvalidDataException("fragmented message over the limit");
        }

        _message ??= ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 4096));
        if (_messageLength + payload.Length > _message.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_messageLength + payload.Length);
            _message.AsSpan(0, _messageLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_message);
            _message = larger;
        }

        payload.CopyTo(_message.AsSpan(_messageLength));
        _messageLength += payload.Length;
        if (header.Final)
        {
            // Binary messages are not part of either protocol; only text reaches the handler.
            if (header.Opcode != WebSocketOpcode.Binary)
            {
                handler.OnText(_message.AsSpan(0, _messageLength), now);
            }

            ReturnBuffers();
        }
    }
}
