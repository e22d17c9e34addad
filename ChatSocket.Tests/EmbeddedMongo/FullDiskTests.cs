using System.Diagnostics;
using ChatSocket.EmbeddedMongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// Engine-only, on a real full filesystem: a 2 MiB tmpfs mounted for the test (Linux, as root; CI runs as root).
/// </summary>
public sealed class FullDiskTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private string _mountPoint = null!;
    private bool _mounted;

    private string DataDirectory => Path.Combine(_mountPoint, "data");

    private string FillerPath => Path.Combine(_mountPoint, "filler.bin");

    [SetUp]
    public async Task MountAsync()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Ignore("Needs Linux and root to mount a small tmpfs (CI runs as root).");
        }

        _mountPoint = Path.Combine(Path.GetTempPath(), "embedded-mongo-full-disk", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_mountPoint);
        var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", _mountPoint);
        if (code != 0)
        {
            Assert.Ignore($"mount -t tmpfs is not permitted here (exit {code}: {output.Trim()}).");
        }

        _mounted = true;

        // Space the test frees later, so that the engine can go on without a restart.
        await File.WriteAllBytesAsync(FillerPath, new byte[512 * 1024]).WaitAsync(Deadline);
    }

    [TearDown]
    public async Task UnmountAsync()
    {
        try
        {
            if (_mounted)
            {
                var (code, _) = await RunAsync("umount", _mountPoint);
                if (code != 0)
                {
                    // Something still holds a file there (a failed test's server): detach it anyway.
                    await RunAsync("umount", "-l", _mountPoint);
                }
            }
        }
        finally
        {
            _mounted = false;
            if (_mountPoint is not null && Directory.Exists(_mountPoint))
            {
                Directory.Delete(_mountPoint, recursive: true);
            }
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Deadline);
        return (process.ExitCode, await output + await error);
    }

    private Task<EmbeddedMongoServer> StartAsync() =>
        EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions { DataDirectory = DataDirectory }).WaitAsync(Deadline);

    private static IMongoCollection<BsonDocument> Messages(MongoClient client) =>
        client.GetDatabase("chat").GetCollection<BsonDocument>("messages");

    private static BsonDocument Message(int id) => new() { { "_id", id }, { "text", new string('m', 1000) } };

    private static async Task<List<int>> IdsAsync(MongoClient client) =>
        (await Messages(client).Find(FilterDefinition<BsonDocument>.Empty).ToListAsync().WaitAsync(Deadline)).Select(d => d["_id"].AsInt32).ToList();

    [Test]
    public async Task Inserts_the_full_disk_refused_are_not_visible_and_every_acknowledged_one_survives_a_restart()
    {
        var acknowledged = new List<int>();
        var refused = new List<int>();
        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            var next = 0;
            while (refused.Count < 20)
            {
                Assert.That(next, Is.LessThan(10_000), "the 2 MiB disk never filled up");
                try
                {
                    await Messages(client).InsertOneAsync(Message(next)).WaitAsync(Deadline);
                    acknowledged.Add(next);
                }
                catch (MongoCommandException e)
                {
                    Assert.That(e.Code, Is.EqualTo(14031), "a full disk is answered as OutOfDiskSpace");
                    refused.Add(next);
                }

                next++;
            }

            var visible = await IdsAsync(client);

            Assert.That(visible, Is.EquivalentTo(acknowledged), "a refused insert is visible, or an acknowledged one is not");

            File.Delete(FillerPath);
            foreach (var id in refused)
            {
                // As the server's writer does: the same message again, now that there is space.
                await Messages(client).InsertOneAsync(Message(id)).WaitAsync(Deadline);
            }
        }

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            var stored = await IdsAsync(client);

            Assert.That(stored, Is.EquivalentTo(acknowledged.Concat(refused)), "after a restart, each acknowledged message once");
        }
    }
}
