namespace ChatSocket.Tests.Browser.Support;

/// <summary>Chromium answered a DevTools command with an error, or the page threw while evaluating a script.</summary>
internal sealed class DevToolsException(string message) : Exception(message);
