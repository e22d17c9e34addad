namespace ChatSocket.Identity;

/// <summary>
/// Keeps tokens out of the framework's logs. The host's request lines (<c>Request starting HTTP/1.1 GET
/// http://host/ws?access_token=...</c>, Information, category <see cref="RequestLogCategory"/>) print the query string,
/// and browsers can only send the token there. With authentication on, that category logs Warning and above only,
/// whatever the configuration says for it (for any provider). The rest of the framework logs paths without queries
/// (the test <c>TokenLoggingTests</c> reads every category at Trace to keep this true).
/// </summary>
internal static class TokenSafeLogging
{
    /// <summary>The host's per-request log category.</summary>
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static IServiceCollection AddTokenSafeLogging(this IServiceCollection services, IConfiguration configuration)
    {
        // Read without validation: a bad Auth section must fail the start with its own message, not here.
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>();
        if (auth is not { Enabled: true })
        {
            return services;
        }

        // A post-configuration runs after every configured rule, so these come last and win among equally specific
        // rules; one per provider named in the rules, so that a provider-specific setting cannot lower it either.
        services.PostConfigure<LoggerFilterOptions>(filters =>
        {
            var providers = filters.Rules.Select(rule => rule.ProviderName).Append(null).Distinct().ToArray();
            foreach (var provider in providers)
            {
                filters.Rules.Add(new LoggerFilterRule(provider, RequestLogCategory, null, static (_, _, level) => level >= LogLevel.Warning));
            }
        });
        return services;
    }
}
