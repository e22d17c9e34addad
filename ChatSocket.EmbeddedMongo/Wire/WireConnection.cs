using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using ChatSocket.EmbeddedMongo.Hosting;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Bson.IO;

namespace ChatSocket.EmbeddedMongo.Wire;

/// <summary>
/// One client connection: reads whole messages from a pipe (several may be pipelined in one read), runs them in
/// order and writes each reply. A malformed message closes the connection (there is no way to answer it).
/// </summary>
internal sealed class WireConnection(Socket socket, int id, CommandDispatcher dispatcher, ILogger logger)
{
    private const int HeaderSize = 16;
    private const uint ChecksumPresent = 1;
    private const uint MoreToCome = 2;
    private const uint KnownFlags = ChecksumPresent | MoreToCome | (1 << 16);

    private readonly MemoryStream _reply = new();

    // Cancelled by Abort, so that a command delayed by fault injection does not outlive its connection.
    private readonly CancellationTokenSource _aborted = new();

    public int Id { get; } = id;

    /// <summary>Closes the socket; the read loop then ends.</summary>
    public void Abort()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection has already finished.
        }

        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already disconnected: closing is all that is left.
        }
        catch (ObjectDisposedException)
        {
            // Already closed by the read loop.
            return;
        }

        socket.Close();
    }

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(serverStopping, _aborted.Token);
        var cancellationToken = linked.Token;
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        var messages = new List<(byte[] Buffer, int Length)>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                try
                {
                    while (TryTakeMessage(ref buffer, out var message, out var length))
                    {
                        messages.Add((message, length));
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }

                for (var i = 0; i < messages.Count; i++)
                {
                    // Taken out of the list first: the buffer goes back to the pool exactly once, here.
                    var (message, length) = messages[i];
                    messages[i] = default;
                    try
                    {
                        if (!await HandleAsync(message, length, stream, cancellationToken))
                        {
                            return;
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(message);
                    }
                }

                messages.Clear();
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (InvalidDataException e)
        {
            EngineLog.ProtocolError(logger, Id, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away, the server is stopping, or a fault dropped the connection: nothing to answer.
        }
        finally
        {
            foreach (var (message, _) in messages)
            {
                if (message is not null)
                {
                    ArrayPool<byte>.Shared.Return(message);
                }
            }

            await reader.CompleteAsync();
            _aborted.Dispose();
            EngineLog.ConnectionClosed(logger, Id);
        }
    }

    private static bool TryTakeMessage(ref ReadOnlySequence<byte> buffer, out byte[] message, out int length)
    {
        message = [];
        length = 0;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length < HeaderSize + 4 || length > AdminCommands.MaxMessageSizeBytes)
        {
            throw new InvalidDataException($"message length {length} out of range");
        }

        if (buffer.Length < length)
        {
            return false;
        }

        message = ArrayPool<byte>.Shared.Rent(length);
        buffer.Slice(0, length).CopyTo(message);
        buffer = buffer.Slice(length);
        return true;
    }

    /// <summary>Runs one message; false when the connection must close.</summary>
    private async ValueTask<bool> HandleAsync(byte[] message, int length, NetworkStream stream, CancellationToken cancellationToken)
    {
        var requestId = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(4));
        var opCode = (OpCode)BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(12));
        switch (opCode)
        {
            case OpCode.Msg:
                return await HandleMessageAsync(message, length, requestId, stream, cancellationToken);
            case OpCode.Query:
                return await HandleQueryAsync(message, length, requestId, stream, cancellationToken);
            default:
                throw new InvalidDataException($"unsupported opcode {(int)opCode}");
        }
    }

    private async ValueTask<bool> HandleMessageAsync(byte[] message, int length, int requestId, NetworkStream stream, CancellationToken cancellationToken)
    {
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(HeaderSize));
        if ((flags & 0xFFFF & ~KnownFlags) != 0)
        {
            throw new InvalidDataException($"unknown required OP_MSG flag bits 0x{flags:x}");
        }

        var end = length;
        if ((flags & ChecksumPresent) != 0)
        {
            end -= 4;
            var expected = BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(end));
            if (Crc32C.Compute(message.AsSpan(0, end)) != expected)
            {
                throw new InvalidDataException("OP_MSG checksum mismatch");
            }
        }

        BsonDocument? body = null;
        var sequences = new Dictionary<string, List<ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
        var pos = HeaderSize + 4;
        while (pos < end)
        {
            var kind = message[pos++];
            if (pos + 4 > end)
            {
                throw new InvalidDataException("truncated OP_MSG section");
            }

            if (kind == 0)
            {
                var size = RawBson.ReadInt32(message, pos);
                if (body is not null || size < 5 || pos + size > end)
                {
                    throw new InvalidDataException("bad OP_MSG body section");
                }

                body = ParseBody(message, pos, size);
                pos += size;
            }
            else if (kind == 1)
            {
                var size = RawBson.ReadInt32(message, pos);
                var sectionEnd = pos + size;
                if (size < 5 || sectionEnd > end)
                {
                    throw new InvalidDataException("bad OP_MSG document sequence");
                }

                var nameEnd = Array.IndexOf(message, (byte)0, pos + 4, sectionEnd - pos - 4);
                if (nameEnd < 0)
                {
                    throw new InvalidDataException("bad OP_MSG document sequence identifier");
                }

                var identifier = Encoding.UTF8.GetString(message, pos + 4, nameEnd - pos - 4);
                var documents = new List<ReadOnlyMemory<byte>>();
                var at = nameEnd + 1;
                while (at < sectionEnd)
                {
                    var documentSize = at + 4 <= sectionEnd ? RawBson.ReadInt32(message, at) : 0;
                    if (documentSize < 5 || at + documentSize > sectionEnd)
                    {
                        throw new InvalidDataException("bad document in OP_MSG document sequence");
                    }

                    documents.Add(message.AsMemory(at, documentSize));
                    at += documentSize;
                }

                sequences[identifier] = documents;
                pos = sectionEnd;
            }
            else
            {
                throw new InvalidDataException($"unknown OP_MSG section kind {kind}");
            }
        }

        if (body is null)
        {
            throw new InvalidDataException("OP_MSG without a body section");
        }

        var database = body.GetValue("$db", "admin");
        var reply = await dispatcher.ExecuteAsync(body, database.IsString ? database.AsString : "admin", sequences, Id, cancellationToken);
        if (reply is null)
        {
            return false;
        }

        if ((flags & MoreToCome) != 0)
        {
            return true;
        }

        BeginReply(requestId, OpCode.Msg);
        _reply.Write(stackalloc byte[5]);
        await SendAsync(reply, stream, cancellationToken);
        return true;
    }

    private async ValueTask<bool> HandleQueryAsync(byte[] message, int length, int requestId, NetworkStream stream, CancellationToken cancellationToken)
    {
        var pos = HeaderSize + 4;
        var nameEnd = Array.IndexOf(message, (byte)0, pos, length - pos);
        if (nameEnd < 0)
        {
            throw new InvalidDataException("bad OP_QUERY collection name");
        }

        var fullName = Encoding.UTF8.GetString(message, pos, nameEnd - pos);
        pos = nameEnd + 1 + 8;
        if (pos + 4 > length)
        {
            throw new InvalidDataException("truncated OP_QUERY");
        }

        var size = RawBson.ReadInt32(message, pos);
        if (size < 5 || pos + size > length)
        {
            throw new InvalidDataException("bad OP_QUERY document");
        }

        var query = ParseBody(message, pos, size);
        CommandReply? reply;
        if (fullName.EndsWith(".$cmd", StringComparison.Ordinal))
        {
            var command = query.TryGetValue("$query", out var wrapped) && wrapped is BsonDocument inner ? inner : query;
            var name = command.ElementCount > 0 ? command.GetElement(0).Name : string.Empty;
            if (name is "isMaster" or "ismaster" or "hello")
            {
                reply = await dispatcher.ExecuteAsync(command, fullName[..^5], new Dictionary<string, List<ReadOnlyMemory<byte>>>(), Id, cancellationToken);
            }
            else
            {
                reply = DocumentReply.Error(352, $"Unsupported OP_QUERY command: {name}. The client driver may require an upgrade.");
            }
        }
        else
        {
            reply = DocumentReply.Error(352, "OP_QUERY is only supported for the handshake");
        }

        if (reply is null)
        {
            return false;
        }

        BeginReply(requestId, OpCode.Reply);
        Span<byte> replyHeader = stackalloc byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(replyHeader[16..], 1);
        _reply.Write(replyHeader);
        await SendAsync(reply, stream, cancellationToken);
        return true;
    }

    private static BsonDocument ParseBody(byte[] message, int offset, int size)
    {
        try
        {
            return RawBson.ReadDocument(message, offset, size);
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or BsonSerializationException)
        {
            // Not a BSON document: there is no request to answer, so the connection ends.
            throw new InvalidDataException("malformed BSON in a message: " + e.Message, e);
        }
    }

    private void BeginReply(int requestId, OpCode opCode)
    {
        _reply.SetLength(0);
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], Random.Shared.Next());
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], requestId);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], (int)opCode);
        _reply.Write(header);
    }

    private async ValueTask SendAsync(CommandReply reply, NetworkStream stream, CancellationToken cancellationToken)
    {
        var writer = new BsonBinaryWriter(_reply);
        reply.WriteTo(writer);
        writer.Flush();
        var buffer = _reply.GetBuffer();
        var total = (int)_reply.Length;
        BinaryPrimitives.WriteInt32LittleEndian(buffer, total);
        await stream.WriteAsync(buffer.AsMemory(0, total), cancellationToken);
        if (_reply.Capacity > 4 * 1024 * 1024)
        {
            // Keep a big reply's buffer only until it is sent.
            _reply.SetLength(0);
            _reply.Capacity = 64 * 1024;
        }
    }
}
