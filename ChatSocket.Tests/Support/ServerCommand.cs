using System.Diagnostics;

namespace ChatSocket.Tests.Support;

/// <summary>
/// How tests start the server as a process of its own: <c>dotnet ChatSocket.dll</c>, the build next to the tests, or
/// the executable that <c>CHATSOCKET_SERVER_EXE</c> names (a Native AOT build from <c>scripts/publish-aot.sh</c>), so
/// that the process tests also run against that build (<c>scripts/test-aot.sh</c>).
/// </summary>
internal static class ServerCommand
{
    /// <summary>The executable under test, when one is named.</summary>
    public static string? Executable => Environment.GetEnvironmentVariable("CHATSOCKET_SERVER_EXE") is { Length: > 0 } path ? path : null;

    /// <summary>A start of the server with <paramref name="dll"/> (the JIT build) unless an executable is named.</summary>
    public static ProcessStartInfo For(string dll)
    {
        if (Executable is { } executable)
        {
            if (!File.Exists(executable))
            {
                throw new FileNotFoundException($"CHATSOCKET_SERVER_EXE names {executable}, which does not exist (scripts/publish-aot.sh builds it)");
            }

            return new ProcessStartInfo(executable);
        }

        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(dll);
        return start;
    }
}
