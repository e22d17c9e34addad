namespace ChatSocket.Hosting;

/// <summary>Log events of the host's start (3900 range).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 3901, Level = LogLevel.Warning, Message = "Unknown setting {Key} is ignored (did you mean {Suggestion}?)")]
    public static partial void UnknownSettingWithSuggestion(ILogger logger, string key, string suggestion);

    [LoggerMessage(EventId = 3902, Level = LogLevel.Warning, Message = "Unknown setting {Key} is ignored")]
    public static partial void UnknownSetting(ILogger logger, string key);
}
