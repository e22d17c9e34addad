namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>A data directory of its own for each engine-only test.</summary>
internal static class TestDirectory
{
    public static string Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), "embedded-mongo-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }
}
