namespace ChatSocket.Tests.Browser.Support;

/// <summary>A headless Chromium and the DevTools connection that drives it; disposal kills the browser.</summary>
internal sealed class HeadlessBrowser : IAsyncDisposable
{
    private readonly ChromiumProcess _process;

    private HeadlessBrowser(ChromiumProcess process, DevToolsConnection connection)
    {
        _process = process;
        Connection = connection;
    }

    public DevToolsConnection Connection { get; }

    public static async Task<HeadlessBrowser> LaunchAsync(CancellationToken cancellationToken)
    {
        var process = await ChromiumProcess.StartAsync(TimeSpan.FromSeconds(20));
        try
        {
            var connection = await DevToolsConnection.ConnectAsync(process.BrowserEndpoint, cancellationToken);
            return new HeadlessBrowser(process, connection);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a tab in a fresh browser context with the given viewport size in CSS pixels.</summary>
    public Task<BrowserPage> OpenPageAsync(int width, int height, CancellationToken cancellationToken) =>
        BrowserPage.OpenAsync(Connection, width, height, cancellationToken);

    /// <summary>Page console output and Chromium's stderr, for a failure message.</summary>
    public string Diagnostics() =>
        $"page console:\n{Connection.ConsoleTail()}\nchromium stderr:\n{_process.StderrTail()}";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.DisposeAsync();
        }
        finally
        {
            await _process.DisposeAsync();
        }
    }
}
