using System.Text.RegularExpressions;
using ChatSocket.EmbeddedMongo.Bson;
using MongoDB.Bson;
using static ChatSocket.Tests.EmbeddedMongo.BsonBytes;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// The hand-written reader gives, for every well-formed document, what MongoDB.Bson's reader gave before it: equal
/// documents whose bytes are equal too (equality alone would pass a double's sign of zero or a value's type).
/// </summary>
[TestFixture]
public sealed class BsonDocumentReaderTests
{
    private static readonly BsonValue[] Scalars =
    [
        new BsonDouble(0.0),
        new BsonDouble(-0.0),
        new BsonDouble(-1.5),
        new BsonDouble(double.MaxValue),
        new BsonDouble(double.MinValue),
        new BsonDouble(double.Epsilon),
        new BsonDouble(double.NaN),
        new BsonDouble(double.PositiveInfinity),
        new BsonDouble(double.NegativeInfinity),
        new BsonString(""),
        new BsonString("a"),
        new BsonString("room-1"),
        new BsonString("é"),
        new BsonString("日本語のメッセージ"),
        new BsonString("😀 emoji and \u00e9 accents"),
        new BsonString("nul \0 inside"),
        new BsonString(new string('x', 5000)),
        new BsonBinaryData([]),
        new BsonBinaryData([1, 2, 3]),
        new BsonBinaryData([9, 8, 7], BsonBinarySubType.Function),
        new BsonBinaryData([4, 5, 6], (BsonBinarySubType)2),
        new BsonBinaryData(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), BsonBinarySubType.UuidLegacy),
        new BsonBinaryData(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), GuidRepresentation.Standard),
        new BsonBinaryData(new byte[16], BsonBinarySubType.MD5),
        new BsonBinaryData([1], BsonBinarySubType.Encrypted),
        new BsonBinaryData([0xFF, 0xFE], BsonBinarySubType.UserDefined),
        BsonUndefined.Value,
        new BsonObjectId(ObjectId.Empty),
        new BsonObjectId(ObjectId.Parse("65a0000000000000000000ff")),
        new BsonObjectId(ObjectId.Parse("ffffffffffffffffffffffff")),
        BsonBoolean.False,
        BsonBoolean.True,
        new BsonDateTime(0),
        new BsonDateTime(-1),
        new BsonDateTime(1_765_000_000_000),
        new BsonDateTime(BsonConstants.DateTimeMaxValueMillisecondsSinceEpoch),
        new BsonDateTime(BsonConstants.DateTimeMinValueMillisecondsSinceEpoch),
        new BsonDateTime(long.MinValue),
        new BsonDateTime(long.MaxValue),
        BsonNull.Value,
        new BsonRegularExpression("^a.*z$", "imsx"),
        new BsonRegularExpression("", ""),
        new BsonRegularExpression(new Regex("é+", RegexOptions.IgnoreCase)),
        new BsonJavaScript("function() { return 1; }"),
        new BsonJavaScript(""),
        (BsonSymbol)"symbol",
        new BsonJavaScriptWithScope("x + y", new BsonDocument { { "x", 1 }, { "y", new BsonArray { "z" } } }),
        new BsonInt32(0),
        new BsonInt32(-1),
        new BsonInt32(int.MinValue),
        new BsonInt32(int.MaxValue),
        new BsonTimestamp(0),
        new BsonTimestamp(1_765_000_000, 42),
        new BsonTimestamp(long.MaxValue),
        new BsonInt64(0),
        new BsonInt64(-1),
        new BsonInt64(long.MinValue),
        new BsonInt64(long.MaxValue),
        new BsonDecimal128(Decimal128.Parse("0")),
        new BsonDecimal128(Decimal128.Parse("-0")),
        new BsonDecimal128(Decimal128.Parse("1.50")),
        new BsonDecimal128(Decimal128.Parse("-123456789012345678901234567890.1234")),
        new BsonDecimal128(Decimal128.MaxValue),
        new BsonDecimal128(Decimal128.MinValue),
        new BsonDecimal128(Decimal128.PositiveInfinity),
        new BsonDecimal128(Decimal128.NegativeInfinity),
        new BsonDecimal128(Decimal128.QNaN),
        BsonMinKey.Value,
        BsonMaxKey.Value,
    ];

    private static readonly string[] Names =
    [
        "", "a", "_id", "$db", "room_id", "with.dot", "é", "名前", "😀", "x y", new string('n', 300),
    ];

    private static IEnumerable<TestCaseData> Documents()
    {
        yield return new TestCaseData(new BsonDocument()).SetName("The empty document");
        yield return new TestCaseData(new BsonDocument("a", new BsonArray())).SetName("An empty array");
        yield return new TestCaseData(new BsonDocument("a", new BsonDocument())).SetName("An empty nested document");

        var everyScalar = new BsonDocument();
        for (var i = 0; i < Scalars.Length; i++)
        {
            everyScalar.Add($"v{i}", Scalars[i]);
        }

        yield return new TestCaseData(everyScalar).SetName("Every scalar type and edge value");
        yield return new TestCaseData(new BsonDocument("all", new BsonArray(Scalars))).SetName("Every scalar in an array");
        yield return new TestCaseData(new BsonDocument(Names.Select((n, i) => new BsonElement(n, i)))).SetName("Empty, non-ASCII and long names");

        yield return new TestCaseData(new BsonDocument
        {
            { "insert", "messages" },
            { "ordered", false },
            { "$db", "chat" },
            { "lsid", new BsonDocument("id", new BsonBinaryData(Guid.NewGuid(), GuidRepresentation.Standard)) },
            { "txnNumber", 7L },
            {
                "$clusterTime", new BsonDocument
                {
                    { "clusterTime", new BsonTimestamp(1_765_000_000, 3) },
                    { "signature", new BsonDocument { { "hash", new BsonBinaryData(new byte[20]) }, { "keyId", 0L } } },
                }
            },
            { "writeConcern", new BsonDocument { { "w", "majority" }, { "j", true } } },
        }).SetName("An insert command as the driver sends it");

        var nested = new BsonDocument("leaf", "bottom");
        for (var level = 0; level < 12; level++)
        {
            nested = new BsonDocument { { "level", level }, { "doc", nested }, { "list", new BsonArray { level, new BsonArray { nested.DeepClone() } } } };
        }

        yield return new TestCaseData(nested).SetName("Documents and arrays nested twelve levels deep");

        var random = new Random(20_240_601);
        for (var i = 0; i < 40; i++)
        {
            yield return new TestCaseData(RandomDocument(random, 0)).SetName($"Random document {i}");
        }
    }

    private static BsonDocument RandomDocument(Random random, int depth)
    {
        var document = new BsonDocument();
        var count = random.Next(depth == 0 ? 1 : 0, 9);
        for (var i = 0; i < count; i++)
        {
            var name = Names[random.Next(Names.Length)] + i;
            document.Add(name, RandomValue(random, depth));
        }

        return document;
    }

    private static BsonValue RandomValue(Random random, int depth) => random.Next(10) switch
    {
        0 when depth < 6 => RandomDocument(random, depth + 1),
        1 when depth < 6 => new BsonArray(Enumerable.Range(0, random.Next(5)).Select(_ => RandomValue(random, depth + 1))),
        _ => Scalars[random.Next(Scalars.Length)],
    };

    [TestCaseSource(nameof(Documents))]
    public void A_document_reads_as_the_library_read_it(BsonDocument original)
    {
        var bytes = original.ToBson();

        AssertSameAsLibrary(bytes);
    }

    [TestCaseSource(nameof(Documents))]
    public void A_document_inside_a_larger_buffer_reads_from_its_slice(BsonDocument original)
    {
        var bytes = original.ToBson();
        var buffer = new byte[bytes.Length + 7];
        Array.Fill(buffer, (byte)0xEE);
        bytes.CopyTo(buffer, 3);

        var document = RawBson.ReadDocument(buffer, 3, bytes.Length);

        Assert.That(document.ToBson(), Is.EqualTo(RawBson.ReadDocumentWithLibrary(buffer, 3, bytes.Length).ToBson()));
    }

    [Test]
    public void Old_binary_subtype_2_reads_as_subtype_0_without_its_inner_length_as_the_library_read_it()
    {
        // MongoDB.Bson writes subtype 2 as subtype 0, so the old encoding is built by hand: outer length, subtype,
        // inner length, data.
        var bytes = Document(Element(0x05, "b", Int32(7), [2], Int32(3), [1, 2, 3]));

        var document = AssertSameAsLibrary(bytes);

        Assert.That(document["b"].AsBsonBinaryData.SubType, Is.EqualTo(BsonBinarySubType.Binary));
        Assert.That(document["b"].AsBsonBinaryData.Bytes, Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void Uuid_subtypes_keep_their_subtype_and_bytes_as_the_library_read_them()
    {
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var bytes = new BsonDocument
        {
            { "standard", new BsonBinaryData(guid, GuidRepresentation.Standard) },
            { "legacy", new BsonBinaryData(guid, GuidRepresentation.CSharpLegacy) },
        }.ToBson();

        var document = AssertSameAsLibrary(bytes);

        Assert.That(document["standard"].AsBsonBinaryData.SubType, Is.EqualTo(BsonBinarySubType.UuidStandard));
        Assert.That(document["standard"].AsBsonBinaryData.ToGuid(), Is.EqualTo(guid));
        Assert.That(document["legacy"].AsBsonBinaryData.SubType, Is.EqualTo(BsonBinarySubType.UuidLegacy));
    }

    [Test]
    public void The_date_one_past_DateTime_MaxValue_reads_as_MaxValue_as_the_library_read_it()
    {
        var bytes = Document(Element(0x09, "d", Int64(BsonConstants.DateTimeMaxValueMillisecondsSinceEpoch + 1)));

        var document = AssertSameAsLibrary(bytes);

        Assert.That(document["d"].AsBsonDateTime.MillisecondsSinceEpoch, Is.EqualTo(BsonConstants.DateTimeMaxValueMillisecondsSinceEpoch));
    }

    [Test]
    public void Array_keys_are_not_read_as_the_library_did_not_read_them()
    {
        // Keys out of order, repeated and even invalid UTF-8: an array's items are taken in order whatever the keys.
        var array = Document(Element(0x10, "7", Int32(1)), Element(0x10, "7", Int32(2)), [0x02, 0xFF, 0, .. String("x")]);
        var bytes = Document(Element(0x04, "list", array));

        var document = AssertSameAsLibrary(bytes);

        Assert.That(document["list"].AsBsonArray, Is.EqualTo(new BsonArray { 1, 2, "x" }));
    }

    [Test]
    public void Regular_expression_options_come_out_sorted_as_the_library_sorted_them()
    {
        var bytes = Document(Element(0x0B, "r", CString("^x"), CString("xmi")));

        var document = AssertSameAsLibrary(bytes);

        Assert.That(document["r"].AsBsonRegularExpression.Options, Is.EqualTo("imx"));
    }

    [Test]
    public void Nesting_up_to_the_limit_reads_as_the_library_read_it()
    {
        AssertSameAsLibrary(Nested(BsonDocumentReader.MaxDepth, 0x03));
        AssertSameAsLibrary(Nested(BsonDocumentReader.MaxDepth, 0x04));
    }

    [Test]
    public void A_repeated_name_is_malformed_input()
    {
        var bytes = Document(Element(0x10, "a", Int32(1)), Element(0x10, "b", Int32(2)), Element(0x02, "a", String("again")));
        var nested = Document(Element(0x03, "outer", bytes));

        Assert.Multiple(() =>
        {
            Assert.That(() => RawBson.ReadDocumentWithLibrary(bytes, 0, bytes.Length), Throws.InvalidOperationException.With.Message.EqualTo("Duplicate element name 'a'."));
            Assert.That(() => RawBson.ReadDocument(bytes), Throws.InstanceOf<FormatException>().With.Message.Contains("Duplicate element name 'a'."));
            Assert.That(() => RawBson.ReadDocument(nested), Throws.InstanceOf<FormatException>().With.Message.Contains("Duplicate element name 'a'."));
        });
    }

    [Test]
    public void ReadValue_reads_documents_arrays_and_rare_types_with_the_new_reader()
    {
        var original = new BsonDocument
        {
            { "doc", new BsonDocument { { "a", 1 }, { "b", new BsonArray { "x", new BsonDocument("c", 2.5) } } } },
            { "list", new BsonArray { 1, "two", new BsonArray(), BsonNull.Value } },
            { "code", new BsonJavaScriptWithScope("f", new BsonDocument("s", 1)) },
            { "decimal", new BsonDecimal128(Decimal128.Parse("12.345")) },
            { "uuid", new BsonBinaryData(Guid.NewGuid(), GuidRepresentation.Standard) },
            { "regex", new BsonRegularExpression("a", "i") },
            { "ts", new BsonTimestamp(5, 6) },
        };
        var bytes = original.ToBson();

        foreach (var element in original)
        {
            Assert.That(RawBson.GetField(bytes, System.Text.Encoding.UTF8.GetBytes(element.Name)), Is.EqualTo(element.Value), element.Name);
        }
    }

    private static BsonDocument AssertSameAsLibrary(byte[] bytes)
    {
        var expected = RawBson.ReadDocumentWithLibrary(bytes, 0, bytes.Length);

        var actual = RawBson.ReadDocument(bytes, 0, bytes.Length);

        Assert.Multiple(() =>
        {
            // A document holding a double NaN is not equal even to its own copy (BsonDocument compares values with
            // ==); for those the bytes alone decide.
            if (expected.Equals(expected.DeepClone()))
            {
                Assert.That(actual.Equals(expected), Is.True, "BsonDocument.Equals");
            }

            // The library refuses to write documents nested deeper than 100 levels; those are compared by Equals.
            if (Depth(expected) < 100)
            {
                Assert.That(actual.ToBson(), Is.EqualTo(expected.ToBson()), "ToBson bytes");
            }
        });
        return actual;
    }

    private static int Depth(BsonValue value) => value switch
    {
        BsonDocument document => 1 + document.Values.Select(Depth).DefaultIfEmpty(0).Max(),
        BsonArray array => 1 + array.Select(Depth).DefaultIfEmpty(0).Max(),
        BsonJavaScriptWithScope code => 1 + Depth(code.Scope),
        _ => 0,
    };
}
