using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ChatSocket.Identity;

/// <summary>Registration of the <c>Auth</c> options, the JwtBearer configuration and the <see cref="TokenValidator"/>.</summary>
internal static class IdentityServiceCollectionExtensions
{
    public static IServiceCollection AddChatIdentity(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsAnnotationValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());

        // The JwtBearer scheme's options and post-configuration (which builds the authority's key discovery), but not
        // the authentication middleware: registering a scheme would make the host authenticate every request. Tokens
        // are checked where they matter, by TokenValidator, which the upgrade of /ws can call wherever it runs.
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>(ConfigureJwtBearer);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, JwtBearerPostConfigureOptions>());
        services.AddSingleton<TokenValidator>();
        return services;
    }

    private static void ConfigureJwtBearer(JwtBearerOptions jwt, IOptions<AuthOptions> authOptions)
    {
        var auth = authOptions.Value;
        jwt.MapInboundClaims = false;
        jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        var parameters = jwt.TokenValidationParameters;
        parameters.ClockSkew = auth.ClockSkew;
        parameters.RequireExpirationTime = true;
        parameters.RequireSignedTokens = true;
        parameters.ValidateLifetime = true;
        parameters.NameClaimType = TokenValidator.NameClaim;
        parameters.ValidateAudience = !string.IsNullOrEmpty(auth.Audience);
        parameters.ValidAudience = auth.Audience;
        parameters.ValidateIssuer = !string.IsNullOrEmpty(auth.Issuer) || !string.IsNullOrEmpty(auth.Authority);
        parameters.ValidIssuer = auth.Issuer;
        if (!string.IsNullOrEmpty(auth.Authority))
        {
            jwt.Authority = auth.Authority;
            jwt.Audience = auth.Audience;
        }
        else if (!string.IsNullOrEmpty(auth.SigningKey))
        {
            parameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.SigningKey));
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
    }
}
