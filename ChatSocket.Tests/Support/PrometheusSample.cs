namespace ChatSocket.Tests.Support;

/// <summary>One sample line of a scrape: <c>name{labels} value</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
