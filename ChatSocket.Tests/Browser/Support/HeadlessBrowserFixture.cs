namespace ChatSocket.Tests.Browser.Support;

/// <summary>A fixture that launches one headless Chromium for all its tests and kills it at the end.</summary>
internal abstract class HeadlessBrowserFixture
{
    private HeadlessBrowser? _browser;

    protected HeadlessBrowser Browser => _browser ?? throw new InvalidOperationException("the browser did not start");

    [OneTimeSetUp]
    public async Task LaunchBrowser()
    {
        using var launch = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _browser = await HeadlessBrowser.LaunchAsync(launch.Token);
    }

    [OneTimeTearDown]
    public async Task KillBrowser()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }
}
