using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatSocket.Tests.Browser.Support;

/// <summary>
/// One tab in its own browser context (its own cookies and storage, like a separate person), attached in flat mode
/// so that every command names the tab by session id.
/// </summary>
internal sealed class BrowserPage
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly JsonSerializerOptions ScriptValues = new(JsonSerializerDefaults.Web);

    private readonly DevToolsConnection _connection;
    private readonly string _contextId;
    private readonly string _sessionId;

    private BrowserPage(DevToolsConnection connection, string contextId, string sessionId)
    {
        _connection = connection;
        _contextId = contextId;
        _sessionId = sessionId;
    }

    public static async Task<BrowserPage> OpenAsync(
        DevToolsConnection connection, int width, int height, CancellationToken cancellationToken)
    {
        var context = await connection.SendAsync("Target.createBrowserContext", null, null, cancellationToken);
        var contextId = context.GetProperty("browserContextId").GetString()!;
        var target = await connection.SendAsync(
            "Target.createTarget",
            new JsonObject { ["url"] = "about:blank", ["browserContextId"] = contextId },
            null,
            cancellationToken);
        var attached = await connection.SendAsync(
            "Target.attachToTarget",
            new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true },
            null,
            cancellationToken);
        var page = new BrowserPage(connection, contextId, attached.GetProperty("sessionId").GetString()!);
        await page.SendAsync("Page.enable", null, cancellationToken);
        await page.SendAsync("Runtime.enable", null, cancellationToken);
        await page.SendAsync(
            "Emulation.setDeviceMetricsOverride",
            new JsonObject
            {
                ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = width < 600,
            },
            cancellationToken);
        return page;
    }

    /// <summary>Loads <paramref name="url"/> and waits until the document and its deferred scripts have run.</summary>
    public async Task NavigateAsync(Uri url, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() }, cancellationToken);
        if (result.TryGetProperty("errorText", out var error))
        {
            throw new DevToolsException($"navigation to {url} failed: {error.GetString()}");
        }

        await WaitForAsync(
            // The navigation entry keeps the address loaded even when the page rewrites its own (as ?token= is).
            $"performance.getEntriesByType('navigation')[0]?.name === {Js(url.ToString())} && document.readyState === 'complete'",
            $"{url} to finish loading",
            deadline,
            cancellationToken);
    }

    /// <summary>Runs <paramref name="source"/> in every document this tab loads from now on, before the page's own
    /// scripts (for test doubles such as <see cref="FrameGate"/>).</summary>
    public Task AddScriptOnNewDocumentAsync(string source, CancellationToken cancellationToken) =>
        SendAsync("Page.addScriptToEvaluateOnNewDocument", new JsonObject { ["source"] = source }, cancellationToken);

    /// <summary>Evaluates a script expression (awaiting it if it is a promise) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        var result = await SendAsync(
            "Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true },
            cancellationToken);
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new DevToolsException($"script threw: {exception.GetRawText()}\nscript: {expression}");
        }

        var value = result.GetProperty("result");
        return value.TryGetProperty("value", out var json) ? json : default;
    }

    public async Task<T> EvaluateAsync<T>(string expression, CancellationToken cancellationToken)
    {
        var value = await EvaluateAsync(expression, cancellationToken);
        return value.Deserialize<T>(ScriptValues) ?? throw new DevToolsException($"script returned nothing: {expression}");
    }

    /// <summary>Polls <paramref name="condition"/> until it is true; on timeout says what was awaited.</summary>
    public async Task WaitForAsync(
        string condition, string description, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var value = await EvaluateAsync($"!!({condition})", cancellationToken);
            if (value.ValueKind == JsonValueKind.True)
            {
                return;
            }

            if (stopwatch.Elapsed > deadline)
            {
                throw new TimeoutException(
                    $"waited {deadline} for {description}\npage console:\n{_connection.ConsoleTail()}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Focuses the element matched by a CSS selector, as a click or Tab would.</summary>
    public async Task FocusAsync(string selector, CancellationToken cancellationToken)
    {
        var found = await EvaluateAsync(
            $"(() => {{ const e = document.querySelector({Js(selector)}); if (!e) return false; e.focus(); " +
            "return document.activeElement === e; })()",
            cancellationToken);
        if (found.ValueKind != JsonValueKind.True)
        {
            throw new DevToolsException($"could not focus {selector}");
        }
    }

    /// <summary>Types text into the focused element as keyboard input (input events fire as for a person).</summary>
    public Task TypeAsync(string text, CancellationToken cancellationToken) =>
        SendAsync("Input.insertText", new JsonObject { ["text"] = text }, cancellationToken);

    /// <summary>Presses and releases Enter on the focused element: a form with it submits.</summary>
    public async Task PressEnterAsync(CancellationToken cancellationToken)
    {
        await SendAsync(
            "Input.dispatchKeyEvent",
            new JsonObject
            {
                ["type"] = "keyDown", ["key"] = "Enter", ["code"] = "Enter", ["text"] = "\r",
                ["windowsVirtualKeyCode"] = 13, ["nativeVirtualKeyCode"] = 13,
            },
            cancellationToken);
        await SendAsync(
            "Input.dispatchKeyEvent",
            new JsonObject
            {
                ["type"] = "keyUp", ["key"] = "Enter", ["code"] = "Enter",
                ["windowsVirtualKeyCode"] = 13, ["nativeVirtualKeyCode"] = 13,
            },
            cancellationToken);
    }

    /// <summary>Focuses the field, selects what it holds and types <paramref name="text"/> over it.</summary>
    public async Task FillAsync(string selector, string text, CancellationToken cancellationToken)
    {
        await FocusAsync(selector, cancellationToken);
        await EvaluateAsync("document.activeElement.select()", cancellationToken);
        await TypeAsync(text, cancellationToken);
    }

    /// <summary>Writes a PNG of the viewport (for looking at the page during development).</summary>
    public async Task CaptureScreenshotAsync(string path, CancellationToken cancellationToken)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, cancellationToken);
        await File.WriteAllBytesAsync(path, shot.GetProperty("data").GetBytesFromBase64(), cancellationToken);
    }

    /// <summary>Closes the tab by disposing of its browser context.</summary>
    public Task CloseAsync(CancellationToken cancellationToken) =>
        _connection.SendAsync(
            "Target.disposeBrowserContext", new JsonObject { ["browserContextId"] = _contextId }, null, cancellationToken);

    /// <summary>A string as a JavaScript literal, so selectors and URLs never become code.</summary>
    public static string Js(string value) => JsonSerializer.Serialize(value);

    private Task<JsonElement> SendAsync(string method, JsonObject? parameters, CancellationToken cancellationToken) =>
        _connection.SendAsync(method, parameters, _sessionId, cancellationToken);
}
