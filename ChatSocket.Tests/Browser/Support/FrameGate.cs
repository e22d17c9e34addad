namespace ChatSocket.Tests.Browser.Support;

/// <summary>
/// A stand-in for a slow or lossy network between the server and the page: installed before the page loads, it wraps
/// the page's <c>WebSocket</c> so that incoming frames of chosen types are held back, then delivered or lost. The
/// server and the page's code are the real ones; only the timing of what arrives changes.
/// </summary>
internal static class FrameGate
{
    public const string Script = """
        (() => {
          const Native = window.WebSocket;
          const holding = new Set();
          let held = [];
          class GatedWebSocket extends Native {
            addEventListener(type, listener, options) {
              if (type !== "message") return super.addEventListener(type, listener, options);
              return super.addEventListener(type, (event) => {
                let kind = null;
                try { kind = JSON.parse(event.data).type; } catch { /* not JSON: passes */ }
                if (holding.has(kind)) held.push(() => listener.call(this, event));
                else listener.call(this, event);
              }, options);
            }
          }
          window.WebSocket = GatedWebSocket;
          window.frameGate = {
            hold: (...types) => { for (const t of types) holding.add(t); },
            release: () => { holding.clear(); const now = held; held = []; for (const deliver of now) deliver(); },
            drop: () => { holding.clear(); const lost = held.length; held = []; return lost; },
            heldCount: () => held.length,
          };
        })();
        """;

    /// <summary>Holds back incoming frames of these types (e.g. <c>ack</c>) until released or dropped.</summary>
    public static Task HoldAsync(BrowserPage page, CancellationToken cancellationToken, params string[] types) =>
        page.EvaluateAsync($"window.frameGate.hold(...{System.Text.Json.JsonSerializer.Serialize(types)})", cancellationToken);

    /// <summary>Delivers what was held back, in order, and stops holding.</summary>
    public static Task ReleaseAsync(BrowserPage page, CancellationToken cancellationToken) =>
        page.EvaluateAsync("window.frameGate.release()", cancellationToken);

    /// <summary>Loses what was held back (as a connection that dies in flight would) and stops holding.</summary>
    public static Task<int> DropAsync(BrowserPage page, CancellationToken cancellationToken) =>
        page.EvaluateAsync<int>("window.frameGate.drop()", cancellationToken);

    public static Task WaitUntilHeldAsync(BrowserPage page, int count, TimeSpan deadline, CancellationToken cancellationToken) =>
        page.WaitForAsync($"window.frameGate.heldCount() >= {count}", $"{count} held frames", deadline, cancellationToken);
}
