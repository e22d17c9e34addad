using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using ChatSocket.EmbeddedMongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// Engine-only: framing details the driver does not exercise (checksums, pipelining, moreToCome, the legacy
/// handshake), spoken over a real TCP socket.
/// </summary>
public sealed class WireProtocolTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private EmbeddedMongoServer _server = null!;
    private TcpClient _client = null!;
    private NetworkStream _stream = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await EmbeddedMongoServer.StartAsync().WaitAsync(Deadline);
        _client = new TcpClient();
        await _client.ConnectAsync("127.0.0.1", _server.Port).WaitAsync(Deadline);
        _stream = _client.GetStream();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
        await _server.DisposeAsync().AsTask().WaitAsync(Deadline);
    }

    private static byte[] OpMsg(int requestId, BsonDocument body, uint flags = 0, bool checksum = false) =>
        OpMsg(requestId, body.ToBson(), flags, checksum);

    private static byte[] OpMsg(int requestId, byte[] bson, uint flags = 0, bool checksum = false)
    {
        var length = 16 + 4 + 1 + bson.Length + (checksum ? 4 : 0);
        var message = new byte[length];
        BinaryPrimitives.WriteInt32LittleEndian(message, length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), requestId);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), 2013);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(16), flags | (checksum ? 1u : 0u));
        bson.CopyTo(message, 21);
        if (checksum)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(length - 4), Crc32C(message.AsSpan(0, length - 4)));
        }

        return message;
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }

    private async Task<(int ResponseTo, int OpCode, byte[] Body)> ReadReplyAsync()
    {
        var header = new byte[16];
        await _stream.ReadExactlyAsync(header).AsTask().WaitAsync(Deadline);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var rest = new byte[length - 16];
        await _stream.ReadExactlyAsync(rest).AsTask().WaitAsync(Deadline);
        return (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)), BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)), rest);
    }

    private static BsonDocument MsgBody(byte[] rest) => BsonSerializer.Deserialize<BsonDocument>(rest.AsSpan(5).ToArray());

    [Test]
    public async Task Pipelined_messages_are_answered_in_order_and_checksums_are_accepted()
    {
        var first = OpMsg(11, new BsonDocument { { "ping", 1 }, { "$db", "admin" } });
        var second = OpMsg(12, new BsonDocument { { "buildInfo", 1 }, { "$db", "admin" } }, checksum: true);

        await _stream.WriteAsync(first.Concat(second).ToArray()).AsTask().WaitAsync(Deadline);
        var a = await ReadReplyAsync();
        var b = await ReadReplyAsync();

        Assert.That((a.ResponseTo, a.OpCode), Is.EqualTo((11, 2013)));
        Assert.That(MsgBody(a.Body)["ok"].ToDouble(), Is.EqualTo(1.0));
        Assert.That(b.ResponseTo, Is.EqualTo(12));
        Assert.That(MsgBody(b.Body).Contains("version"), Is.True);
    }

    [Test]
    public async Task A_wrong_checksum_closes_the_connection()
    {
        var message = OpMsg(21, new BsonDocument { { "ping", 1 }, { "$db", "admin" } }, checksum: true);
        message[^1] ^= 0xFF;

        await _stream.WriteAsync(message).AsTask().WaitAsync(Deadline);
        var read = await _stream.ReadAsync(new byte[16]).AsTask().WaitAsync(Deadline);

        Assert.That(read, Is.EqualTo(0));
    }

    [Test]
    public async Task Malformed_BSON_closes_only_that_connection()
    {
        var message = OpMsg(51, new BsonDocument { { "ping", 1 }, { "$db", "admin" } });
        message[21 + 4] = 0x42;

        await AssertClosesOnlyThisConnectionAsync(message);
    }

    [TestCase(new byte[] { 0x02, (byte)'s', 0, 3, 0, 0, 0, 0xC3, 0x28, 0 }, TestName = "Invalid UTF-8 in a body closes the connection and the next one is served")]
    [TestCase(new byte[] { 0x10, (byte)'p', (byte)'i', (byte)'n', (byte)'g', 0, 1, 0, 0, 0 }, TestName = "A repeated field name in a body closes the connection and the next one is served")]
    public async Task A_body_the_reader_refuses_closes_only_that_connection(byte[] element)
    {
        var body = BsonBytes.Document(BsonBytes.Element(0x10, "ping", BsonBytes.Int32(1)), element, BsonBytes.Element(0x02, "$db", BsonBytes.String("admin")));

        await AssertClosesOnlyThisConnectionAsync(OpMsg(61, body));
    }

    /// <summary>Sends the message, expects this connection closed unanswered, and a new one answered.</summary>
    private async Task AssertClosesOnlyThisConnectionAsync(byte[] message)
    {
        await _stream.WriteAsync(message).AsTask().WaitAsync(Deadline);
        var read = await _stream.ReadAsync(new byte[16]).AsTask().WaitAsync(Deadline);
        using var other = new TcpClient();
        await other.ConnectAsync("127.0.0.1", _server.Port).WaitAsync(Deadline);
        await using var otherStream = other.GetStream();
        await otherStream.WriteAsync(OpMsg(99, new BsonDocument { { "ping", 1 }, { "$db", "admin" } })).AsTask().WaitAsync(Deadline);
        var header = new byte[16];
        await otherStream.ReadExactlyAsync(header).AsTask().WaitAsync(Deadline);

        Assert.That(read, Is.EqualTo(0));
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)), Is.EqualTo(99));
    }

    [Test]
    public async Task MoreToCome_gets_no_reply_but_the_write_is_applied()
    {
        var insert = OpMsg(31, new BsonDocument { { "insert", "c" }, { "documents", new BsonArray { new BsonDocument("_id", 1) } }, { "$db", "wire" } }, flags: 2);
        var find = OpMsg(32, new BsonDocument { { "find", "c" }, { "$db", "wire" } });

        await _stream.WriteAsync(insert.Concat(find).ToArray()).AsTask().WaitAsync(Deadline);
        var reply = await ReadReplyAsync();

        Assert.That(reply.ResponseTo, Is.EqualTo(32));
        Assert.That(MsgBody(reply.Body)["cursor"]["firstBatch"].AsBsonArray, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_legacy_isMaster_query_is_answered_with_one_OP_REPLY_document()
    {
        var query = new BsonDocument { { "isMaster", 1 }, { "helloOk", true } }.ToBson();
        var name = Encoding.UTF8.GetBytes("admin.$cmd\0");
        var length = 16 + 4 + name.Length + 8 + query.Length;
        var message = new byte[length];
        BinaryPrimitives.WriteInt32LittleEndian(message, length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), 41);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), 2004);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(16), 4);
        name.CopyTo(message, 20);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(20 + name.Length + 4), -1);
        query.CopyTo(message, 20 + name.Length + 8);

        await _stream.WriteAsync(message).AsTask().WaitAsync(Deadline);
        var reply = await ReadReplyAsync();
        var numberReturned = BinaryPrimitives.ReadInt32LittleEndian(reply.Body.AsSpan(16));
        var document = BsonSerializer.Deserialize<BsonDocument>(reply.Body.AsSpan(20).ToArray());

        Assert.That((reply.ResponseTo, reply.OpCode, numberReturned), Is.EqualTo((41, 1, 1)));
        Assert.That(document["ismaster"].AsBoolean, Is.True);
        Assert.That(document.Contains("compression"), Is.False);
    }
}
