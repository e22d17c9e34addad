using System.Diagnostics;

namespace ChatSocket.Tests.Browser.Support;

/// <summary>
/// Debian's headless Chromium with a fresh profile. The browser picks its own DevTools port and writes it to
/// DevToolsActivePort in the profile, so parallel runs never fight over a port.
/// </summary>
internal sealed class ChromiumProcess : IAsyncDisposable
{
    private const int StderrLinesKept = 40;

    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly Queue<string> _stderrTail = new();

    private ChromiumProcess(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser-level DevTools WebSocket (ws://127.0.0.1:port/devtools/browser/id).</summary>
    public Uri BrowserEndpoint { get; private set; } = new("ws://127.0.0.1/");

    /// <summary>CHROMIUM_PATH if set, else Debian's launcher.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<ChromiumProcess> StartAsync(TimeSpan startupDeadline)
    {
        var profile = Directory.CreateTempSubdirectory("chatsocket-chromium-");
        var info = new ProcessStartInfo(ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1024,768", $"--user-data-dir={profile.FullName}", "--remote-debugging-port=0",
                     "about:blank",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {ExecutablePath}");
        var chromium = new ChromiumProcess(process, profile);
        // Drain both pipes: a full pipe would block the browser. Keep the stderr tail for failure messages.
        process.ErrorDataReceived += (_, e) => chromium.KeepStderr(e.Data);
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        try
        {
            chromium.BrowserEndpoint = await chromium.WaitForDevToolsEndpointAsync(startupDeadline);
            return chromium;
        }
        catch
        {
            await chromium.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last lines Chromium wrote to stderr, for failure messages.</summary>
    public string StderrTail()
    {
        lock (_stderrTail)
        {
            return string.Join('\n', _stderrTail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // The launcher execs the browser, so this kills Chromium with its renderer and zygote children.
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // The process has already gone; nothing left to kill.
        }
        finally
        {
            _process.Dispose();
            DeleteProfile();
        }
    }

    private async Task<Uri> WaitForDevToolsEndpointAsync(TimeSpan deadline)
    {
        var file = Path.Combine(_profile.FullName, "DevToolsActivePort");
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Chromium exited with {_process.ExitCode} before it opened DevTools:\n{StderrTail()}");
            }

            if (File.Exists(file))
            {
                // The file holds "port\n/devtools/browser/<id>"; it may be seen half-written.
                var lines = await File.ReadAllLinesAsync(file);
                if (lines.Length >= 2 && int.TryParse(lines[0], out var port) && lines[1].StartsWith('/'))
                {
                    return new Uri($"ws://127.0.0.1:{port}{lines[1]}");
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Chromium did not open DevTools within {deadline}:\n{StderrTail()}");
    }

    private void KeepStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderrTail)
        {
            _stderrTail.Enqueue(line);
            while (_stderrTail.Count > StderrLinesKept)
            {
                _stderrTail.Dequeue();
            }
        }
    }

    private void DeleteProfile()
    {
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A late write by a dying child process; the temp directory is cleaned by the OS eventually.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
