using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace ChatSocket.WebSockets;

/// <summary>
/// Reads masked client frames from the upgraded stream (RFC 6455 section 5): reassembles fragmented text messages,
/// surfaces pings and the close frame, and turns every violation into a <see cref="WebSocketProtocolException"/>
/// with the close code to answer. Buffers come from <see cref="ArrayPool{T}"/> only while bytes are pending: an idle
/// connection waits in a zero-byte read and holds no buffer.
/// </summary>
internal sealed class WebSocketReader(Stream stream, int maxMessageBytes) : IDisposable
{
    private const int InitialBufferSize = 4096;
    private const int MaxHeaderLength = 14;

    private byte[]? _buffer;
    private int _start;
    private int _end;

    // A fragmented text message being reassembled.
    private byte[]? _message;
    private int _messageLength;
    private bool _inMessage;
    private bool _messageHandedOut;

    private enum Step
    {
        NeedMore,
        Consumed,
        Result,
    }

    /// <summary>
    /// Waits until the stream has data, holding no buffer: when nothing is buffered the pooled buffers are returned
    /// and the wait is a zero-byte read. Awaiting this in the caller's loop, before <see cref="ReadAsync"/>, means an
    /// idle connection keeps no reader state machine alive either. Invalidates the last returned payload.
    /// </summary>
    public ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken)
    {
        if (_buffer is not null && _end > _start)
        {
            return ValueTask.FromResult(0);
        }

        ReturnBuffer();
        if (_messageHandedOut)
        {
            ReturnMessageBuffer();
        }

        // Not an async method, so that the wait holds no state machine of ours: the stream's task is returned as is.
        // Its result carries no information (a zero-byte read only waits for readability).
        return stream.ReadAsync(Memory<byte>.Empty, cancellationToken);
    }

    /// <summary>
    /// Returns the next text message, ping, pong or close. The returned payload is valid until the next call.
    /// </summary>
    public async ValueTask<WebSocketReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        if (_messageHandedOut)
        {
            ReturnMessageBuffer();
        }

        while (true)
        {
            var step = TryReadFrame(out var result, out var needed);
            if (step == Step.Result)
            {
                return result;
            }

            if (step == Step.NeedMore && !await FillAsync(needed, cancellationToken))
            {
                return WebSocketReadResult.EndOfStream;
            }
        }
    }

    /// <summary>
    /// After a violation (our close frame is on its way): skips whole frames without checking them until the peer's
    /// close frame or the end of the stream, so that the close handshake completes as soon as the peer answers.
    /// Reading resumes at the offending frame's header, so an oversized frame is skipped, never buffered.
    /// </summary>
    public async ValueTask SkipToCloseAsync(CancellationToken cancellationToken)
    {
        ReturnMessageBuffer();
        _inMessage = false;
        while (true)
        {
            var needed = HeaderLengthOfNextFrame(out var opcode, out var payloadLength);
            if (needed < 0)
            {
                if (!await FillAsync(-needed, cancellationToken))
                {
                    return;
                }

                continue;
            }

            if (opcode == WebSocketOpcode.Close)
            {
                return;
            }

            _start += needed;
            while (payloadLength > 0)
            {
                if (_start == _end && !await FillAsync(1, cancellationToken))
                {
                    return;
                }

                var skipped = (int)Math.Min(payloadLength, (ulong)(_end - _start));
                _start += skipped;
                payloadLength -= (ulong)skipped;
            }
        }
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        ReturnBuffer();
        ReturnMessageBuffer();
    }

    private Step TryReadFrame(out WebSocketReadResult result, out int needed)
    {
        result = default;
        var available = _end - _start;
        needed = 2;
        if (_buffer is null || available < 2)
        {
            return Step.NeedMore;
        }

        var span = _buffer.AsSpan(_start, available);
        var fin = (span[0] & 0x80) != 0;
        if ((span[0] & 0x70) != 0)
        {
            throw new WebSocketProtocolException(WebSocketCloseCodes.ProtocolError, "reserved bits are set");
        }

        if ((span[1] & 0x80) == 0)
        {
            throw new WebSocketProtocolException(WebSocketCloseCodes.ProtocolError, "client frames must be masked");
        }

        var opcode = (WebSocketOpcode)(span[0] & 0x0F);
        var headerLength = 6;
        ulong length = (ulong)(span[1] & 0x7F);
        if (length == 126)
        {
            headerLength = 8;
            needed = 4;
            if (available < needed)
            {
                return Step.NeedMore;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        }
        else if (length == 127)
        {
            headerLength = MaxHeaderLength;
            needed = 10;
            if (available < needed)
            {
                return Step.NeedMore;
            }

            length = BinaryPrimitives.ReadUInt64BigEndian(span[2..]);
        }

        CheckFrame(opcode, fin, length);
        var payloadLength = (int)length;
        needed = headerLength + payloadLength;
        if (available < needed)
        {
            return Step.NeedMore;
        }

        var payload = _buffer.AsMemory(_start + headerLength, payloadLength);
        Unmask(payload.Span, span.Slice(headerLength - 4, 4));
        _start += needed;
        return Deliver(opcode, fin, payload, out result);
    }

    // The header length of the buffered next frame, or minus the bytes needed to read its header.
    private int HeaderLengthOfNextFrame(out WebSocketOpcode opcode, out ulong payloadLength)
    {
        opcode = default;
        payloadLength = 0;
        var available = _end - _start;
        if (_buffer is null || available < 2)
        {
            return -2;
        }

        var span = _buffer.AsSpan(_start, available);
        opcode = (WebSocketOpcode)(span[0] & 0x0F);
        var maskLength = (span[1] & 0x80) != 0 ? 4 : 0;
        payloadLength = (ulong)(span[1] & 0x7F);
        var extended = payloadLength switch { 126 => 2, 127 => 8, _ => 0 };
        var headerLength = 2 + extended + maskLength;
        if (available < headerLength)
        {
            return -headerLength;
        }

        payloadLength = extended switch
        {
            2 => BinaryPrimitives.ReadUInt16BigEndian(span[2..]),
            8 => BinaryPrimitives.ReadUInt64BigEndian(span[2..]),
            _ => payloadLength,
        };
        return headerLength;
    }

    private void CheckFrame(WebSocketOpcode opcode, bool fin, ulong length)
    {
        switch (opcode)
        {
            case WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong:
                if (!fin || length > WebSocketFrameEncoder.MaxControlPayload)
                {
                    throw new WebSocketProtocolException(WebSocketCloseCodes.ProtocolError, "control frames must be final and at most 125 bytes");
                }

                return;
            case WebSocketOpcode.Binary:
                throw new WebSocketProtocolException(WebSocketCloseCodes.UnsupportedData, "binary frames are not supported");
            case WebSocketOpcode.Text when _inMessage:
                throw new WebSocketProtocolException(WebSocketCloseCodes.ProtocolError, "a new message started before the previous one ended");
            case WebSocketOpcode.Continuation when !_inMessage:
                throw new WebSocketProtocolException(WebSocketCloseCodes.ProtocolError, "continuation frame without a message");
            case WebSocketOpcode.Text or WebSocketOpcode.Continuation:
                if ((ulong)_messageLength + length > (ulong)maxMessageBytes)
                {
                    throw new WebSocketProtocolException(WebSocketCloseCodes.MessageTooBig, $"messages are limited to {maxMessageBytes} bytes");
                }

                return;
            default:
                throw new WebSocketProtocolException(WebSocketCloseCodes.ProtocolError, "unknown opcode");
        }
    }

    private Step Deliver(WebSocketOpcode opcode, bool fin, ReadOnlyMemory<byte> payload, out WebSocketReadResult result)
    {
        result = default;
        switch (opcode)
        {
            case WebSocketOpcode.Ping:
                result = new WebSocketReadResult(WebSocketReadKind.Ping, payload, 0);
                return Step.Result;
            case WebSocketOpcode.Pong:
                result = new WebSocketReadResult(WebSocketReadKind.Pong, payload, 0);
                return Step.Result;
            case WebSocketOpcode.Close:
                result = new WebSocketReadResult(WebSocketReadKind.Close, payload, ReadCloseCode(payload.Span));
                return Step.Result;
            case WebSocketOpcode.Text when fin:
                result = new WebSocketReadResult(WebSocketReadKind.Text, Validated(payload), 0);
                return Step.Result;
            default:
                AppendFragment(payload.Span);
                if (!fin)
                {
                    _inMessage = true;
                    return Step.Consumed;
                }

                _inMessage = false;
                _messageHandedOut = true;
                result = new WebSocketReadResult(WebSocketReadKind.Text, Validated(_message.AsMemory(0, _messageLength)), 0);
                return Step.Result;
        }
    }

    private static ushort ReadCloseCode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 0)
        {
            return WebSocketCloseCodes.NoStatusReceived;
        }

        if (payload.Length == 1)
        {
            throw new WebSocketProtocolException(WebSocketCloseCodes.ProtocolError, "a close payload needs a 2-byte code");
        }

        var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!WebSocketCloseCodes.IsValidOnTheWire(code))
        {
            throw new WebSocketProtocolException(WebSocketCloseCodes.ProtocolError, "invalid close code");
        }

        if (!Utf8.IsValid(payload[2..]))
        {
            throw new WebSocketProtocolException(WebSocketCloseCodes.InvalidPayload, "close reason is not valid UTF-8");
        }

        return code;
    }

    private static ReadOnlyMemory<byte> Validated(ReadOnlyMemory<byte> text) =>
        Utf8.IsValid(text.Span)
            ? text
            : throw new WebSocketProtocolException(WebSocketCloseCodes.InvalidPayload, "text is not valid UTF-8");

    private void AppendFragment(ReadOnlySpan<byte> fragment)
    {
        var required = _messageLength + fragment.Length;
        if (_message is null || _message.Length < required)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Min(maxMessageBytes, Math.Max(InitialBufferSize, required * 2)));
            _message?.AsSpan(0, _messageLength).CopyTo(grown);
            if (_message is not null)
            {
                ArrayPool<byte>.Shared.Return(_message);
            }

            _message = grown;
        }

        fragment.CopyTo(_message.AsSpan(_messageLength));
        _messageLength = required;
    }

    private async ValueTask<bool> FillAsync(int needed, CancellationToken cancellationToken)
    {
        if (_buffer is null || _start == _end)
        {
            // Nothing pending: give the buffer back and wait for data with a zero-byte read, so that an idle
            // connection pins no memory of ours.
            ReturnBuffer();
            // The result is meaningless: a zero-byte read only waits for readability.
#pragma warning disable CA2022
            await stream.ReadAsync(Memory<byte>.Empty, cancellationToken);
#pragma warning restore CA2022
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(InitialBufferSize, needed));
        }
        else if (_buffer.Length - _start < needed)
        {
            var target = _buffer.Length >= needed ? _buffer : ArrayPool<byte>.Shared.Rent(needed);
            _buffer.AsSpan(_start, _end - _start).CopyTo(target);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }

            _end -= _start;
            _start = 0;
        }
        else if (_end == _buffer.Length)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }

    private static void Unmask(Span<byte> payload, ReadOnlySpan<byte> mask)
    {
        // Eight bytes at a time: the mask repeats every four bytes, so a doubled 32-bit mask lines up with any
        // 8-byte-aligned offset into the payload.
        var mask32 = MemoryMarshal.Read<uint>(mask);
        var mask64 = mask32 | ((ulong)mask32 << 32);
        var wide = MemoryMarshal.Cast<byte, ulong>(payload);
        for (var i = 0; i < wide.Length; i++)
        {
            wide[i] ^= mask64;
        }

        for (var i = wide.Length * sizeof(ulong); i < payload.Length; i++)
        {
            payload[i] ^= mask[i & 3];
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _start = 0;
        _end = 0;
    }

    private void ReturnMessageBuffer()
    {
        if (_message is not null)
        {
            ArrayPool<byte>.Shared.Return(_message);
            _message = null;
        }

        _messageLength = 0;
        _messageHandedOut = false;
    }
}
