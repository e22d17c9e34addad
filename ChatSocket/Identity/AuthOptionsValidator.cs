using System.Text;
using Microsoft.Extensions.Options;

namespace ChatSocket.Identity;

/// <summary>The rules between the <c>Auth</c> settings, each failure one sentence naming the setting and the fix.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.SigningKey) && !string.IsNullOrEmpty(options.Authority))
        {
            failures.Add("Auth:SigningKey and Auth:Authority are both set; set one of them");
        }

        if (!string.IsNullOrEmpty(options.SigningKey) && Encoding.UTF8.GetByteCount(options.SigningKey) is var bytes && bytes < AuthOptions.MinSigningKeyBytes)
        {
            failures.Add($"Auth:SigningKey has {bytes} bytes; HS256 needs at least {AuthOptions.MinSigningKeyBytes} (make one with: openssl rand -base64 32)");
        }

        if (!string.IsNullOrEmpty(options.Authority))
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                failures.Add("Auth:Authority must be an absolute https URL");
            }
            else if (authority.Scheme == "http" && options.RequireHttpsMetadata)
            {
                failures.Add("Auth:Authority must use https (Auth:RequireHttpsMetadata=false allows http, for development only)");
            }

            if (string.IsNullOrEmpty(options.Audience))
            {
                failures.Add("Auth:Audience is required with Auth:Authority (the tokens of an authority are meant for many services)");
            }
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > MaxClockSkew)
        {
            failures.Add($"Auth:ClockSkew must be from 00:00:00 to {MaxClockSkew:c}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
