using System.Buffers.Binary;
using ChatSocket.EmbeddedMongo.Bson;
using MongoDB.Bson;
using static ChatSocket.Tests.EmbeddedMongo.BsonBytes;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// Malformed BSON, as a client may send it, throws <see cref="FormatException"/> (which the wire layer turns into a
/// closed connection with its reason), never another exception, a read outside the bytes or a stack overflow.
/// </summary>
[TestFixture]
public sealed class BsonDocumentReaderMalformedTests
{
    private static readonly byte[] OneInt = Document(Element(0x10, "a", Int32(1)));

    private static IEnumerable<TestCaseData> Malformed()
    {
        static TestCaseData Case(string name, byte[] bytes) => new TestCaseData(bytes).SetName(name);

        yield return Case("No bytes at all", []);
        yield return Case("Four bytes: shorter than the smallest document", [4, 0, 0, 0]);
        yield return Case("A length prefix of 4", [4, 0, 0, 0, 0]);
        yield return Case("A negative length prefix", [.. Int32(-5), 0]);
        yield return Case("A length prefix larger than the bytes", WithLength(OneInt, OneInt.Length + 1));
        yield return Case("A length prefix smaller than the bytes", WithLength(OneInt, OneInt.Length - 1));
        yield return Case("No trailing NUL", [.. OneInt[..^1], 1]);
        yield return Case("The end of the document before its length", Document(Element(0x10, "a", Int32(1)), [0, 0x10, (byte)'b', 0, 2, 0, 0, 0]));
        yield return Case("An element name without its NUL", Document([0x10, (byte)'a', (byte)'b']));
        yield return Case("An element name ending at the document's NUL", Document([0x0A, (byte)'a']));
        yield return Case("A type byte and nothing else", Document([0x10]));
        yield return Case("An unknown type byte", Document(Element(0x14, "a", Int32(1))));
        yield return Case("DBPointer, which the library refuses too", Document(Element(0x0C, "a", String("ns"), new byte[12])));
        yield return Case("A string of length 0", Document(Element(0x02, "a", Int32(0))));
        yield return Case("A string of negative length", Document(Element(0x02, "a", Int32(-1), [0])));
        yield return Case("A string running past the end", Document(Element(0x02, "a", Int32(50), [(byte)'x', 0])));
        yield return Case("A string without its NUL", Document(Element(0x02, "a", Int32(2), [(byte)'x', (byte)'y'])));
        yield return Case("A string cut after its length", Document(Element(0x02, "a", [2, 0])));
        yield return Case("Invalid UTF-8 in a string", Document(Element(0x02, "a", Int32(3), [0xC3, 0x28, 0])));
        yield return Case("Invalid UTF-8 in a name", Document([0x10, 0x61, 0xFF, 0, .. Int32(1)]));
        yield return Case("An encoded surrogate in a name", Document([0x10, 0xED, 0xA0, 0x80, 0, .. Int32(1)]));
        yield return Case("An overlong encoding in a string", Document(Element(0x02, "a", Int32(3), [0xC0, 0x80, 0])));
        yield return Case("Invalid UTF-8 in a regular expression", Document(Element(0x0B, "a", [0xFF, 0], CString("i"))));
        yield return Case("Invalid UTF-8 in a nested document's name", Document(Element(0x03, "d", Document([0x0A, 0xFE, 0]))));
        yield return Case("A regular expression without its options", Document(Element(0x0B, "a", CString("x"))));
        yield return Case("A nested document running past its parent", Document(Element(0x03, "d", Int32(100), [0])));
        yield return Case("A nested document shorter than 5", Document(Element(0x03, "d", Int32(4), [0])));
        yield return Case("A nested document whose length misses its end", Document(Element(0x03, "d", WithLength(OneInt, OneInt.Length - 1)), Element(0x0A, "n")));
        yield return Case("A nested array running past its parent", Document(Element(0x04, "l", Int32(64), [0])));
        yield return Case("An array item of unknown type", Document(Element(0x04, "l", Document(Element(0x33, "0")))));
        yield return Case("An array key without its NUL", Document(Element(0x04, "l", Document([0x0A, (byte)'0']))));
        yield return Case("A truncated double", Document(Element(0x01, "a", [1, 2, 3])));
        yield return Case("A truncated int32", Document(Element(0x10, "a", [1, 2])));
        yield return Case("A truncated int64", Document(Element(0x12, "a", [1, 2, 3, 4, 5])));
        yield return Case("A truncated date", Document(Element(0x09, "a", [1])));
        yield return Case("A truncated timestamp", Document(Element(0x11, "a", [1, 2, 3, 4])));
        yield return Case("A truncated ObjectId", Document(Element(0x07, "a", new byte[11])));
        yield return Case("A truncated Decimal128", Document(Element(0x13, "a", new byte[15])));
        yield return Case("A missing boolean", Document(Element(0x08, "a")));
        yield return Case("A boolean of 2", Document(Element(0x08, "a", [2])));
        yield return Case("A binary of negative length", Document(Element(0x05, "a", Int32(-1), [0])));
        yield return Case("A binary running past the end", Document(Element(0x05, "a", Int32(10), [0, 1, 2])));
        yield return Case("A binary without its subtype", Document(Element(0x05, "a", Int32(0))));
        yield return Case("A UUID of 15 bytes", Document(Element(0x05, "a", Int32(15), [4], new byte[15])));
        yield return Case("A legacy UUID of 17 bytes", Document(Element(0x05, "a", Int32(17), [3], new byte[17])));
        yield return Case("Old binary with inconsistent lengths", Document(Element(0x05, "a", Int32(7), [2], Int32(2), [1, 2, 3])));
        yield return Case("Old binary too short for its inner length", Document(Element(0x05, "a", Int32(2), [2], [0, 0])));
        yield return Case("Code with scope whose scope misses its end", Document(Element(0x0F, "a", Int32(4 + 6 + 9), String("f"), WithLength(OneInt, 10))));
        yield return Case("Code with scope without a scope", Document(Element(0x0F, "a", Int32(4 + 6 + 4), String("f"), [0, 0, 0, 0])));
        yield return Case("Code with scope shorter than its parts", Document(Element(0x0F, "a", Int32(13), String("f"), Document())));
        yield return Case("Documents nested deeper than the limit", Nested(BsonDocumentReader.MaxDepth + 1, 0x03));
        yield return Case("Arrays nested deeper than the limit", Nested(BsonDocumentReader.MaxDepth + 1, 0x04));
        yield return Case("Documents nested 10,000 deep", Nested(10_000, 0x03));
        yield return Case("Arrays nested 10,000 deep", Nested(10_000, 0x04));
    }

    private static byte[] WithLength(byte[] document, int length)
    {
        var copy = document.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(copy, length);
        return copy;
    }

    [TestCaseSource(nameof(Malformed))]
    public void Malformed_BSON_throws_FormatException(byte[] bytes)
    {
        Assert.That(() => RawBson.ReadDocument(bytes), Throws.TypeOf<FormatException>());
    }

    [TestCaseSource(nameof(Malformed))]
    public void Malformed_BSON_throws_FormatException_from_inside_a_larger_buffer(byte[] bytes)
    {
        // Bytes after the slice must not be read: a NUL there must not end a name or a string.
        var buffer = new byte[bytes.Length + 64];
        bytes.CopyTo(buffer, 0);

        Assert.That(() => RawBson.ReadDocument(buffer, 0, bytes.Length), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void Invalid_UTF_8_was_an_exception_the_wire_layer_did_not_catch_and_is_now_FormatException()
    {
        var bytes = Document(Element(0x02, "a", Int32(3), [0xC3, 0x28, 0]));

        Assert.Multiple(() =>
        {
            Assert.That(() => RawBson.ReadDocumentWithLibrary(bytes, 0, bytes.Length), Throws.TypeOf<System.Text.DecoderFallbackException>());
            Assert.That(() => RawBson.ReadDocument(bytes), Throws.TypeOf<FormatException>().With.InnerException.TypeOf<System.Text.DecoderFallbackException>());
        });
    }

    [Test]
    public void Every_truncation_and_every_corrupted_byte_of_a_command_throws_FormatException_or_reads_as_the_library_read_it()
    {
        var original = new BsonDocument
        {
            { "insert", "messages" },
            { "ordered", false },
            { "lsid", new BsonDocument("id", new BsonBinaryData(Guid.NewGuid(), GuidRepresentation.Standard)) },
            { "list", new BsonArray { 1, "two", 3.0, new BsonDocument("x", BsonNull.Value), 4L, new BsonDecimal128(5m) } },
            { "re", new BsonRegularExpression("a+", "i") },
            { "code", new BsonJavaScriptWithScope("f", new BsonDocument("s", true)) },
            { "when", new BsonDateTime(1_765_000_000_000) },
            { "$db", "chat" },
        }.ToBson();
        var random = new Random(7);
        var unexpected = new List<string>();
        for (var length = 0; length < original.Length; length++)
        {
            Check(original[..length], $"cut to {length}");
        }

        for (var i = 0; i < 5_000; i++)
        {
            var corrupted = original.ToArray();
            var position = random.Next(corrupted.Length);
            corrupted[position] = random.Next(4) switch
            {
                0 => 0,
                1 => 0xFF,
                2 => (byte)(corrupted[position] + 1),
                _ => (byte)random.Next(256),
            };
            Check(corrupted, $"byte {position} set to 0x{corrupted[position]:x2}");
        }

        Assert.That(unexpected, Is.Empty);

        void Check(byte[] bytes, string label)
        {
            BsonDocument? expected;
            try
            {
                expected = RawBson.ReadDocumentWithLibrary(bytes, 0, bytes.Length);
            }
            catch (Exception e) when (e is FormatException or EndOfStreamException or ArgumentException or InvalidOperationException or BsonSerializationException)
            {
                expected = null;
            }

            try
            {
                var actual = RawBson.ReadDocument(bytes);
                if (expected is null || !actual.ToBson().AsSpan().SequenceEqual(expected.ToBson()))
                {
                    unexpected.Add($"{label}: read as {actual}, the library read {expected?.ToString() ?? "nothing"}");
                }
            }
            catch (FormatException)
            {
                // The library accepted a few of these only by reading past what it was given (a length prefix smaller
                // than the bytes leaves trailing bytes unread); the reader now refuses them.
                if (expected is not null && BinaryPrimitives.ReadInt32LittleEndian(bytes) == bytes.Length)
                {
                    unexpected.Add($"{label}: refused, the library read {expected}");
                }
            }
            catch (Exception e)
            {
                unexpected.Add($"{label}: {e.GetType().Name}: {e.Message}");
            }
        }
    }
}
