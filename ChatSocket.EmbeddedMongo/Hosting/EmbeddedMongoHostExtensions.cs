using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatSocket.EmbeddedMongo.Hosting;

/// <summary>Registers the engine as a hosted service configured from the <c>EmbeddedMongo</c> section.</summary>
internal static class EmbeddedMongoHostExtensions
{
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--port"] = "EmbeddedMongo:Port",
        ["--dbpath"] = "EmbeddedMongo:DataDirectory",
    };

    /// <summary>Adds the engine; <c>--port N</c> and <c>--dbpath DIR</c> work as they do for mongod.</summary>
    public static HostApplicationBuilder AddEmbeddedMongo(this HostApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, SwitchMappings);
        builder.Services.AddOptions<EmbeddedMongoOptions>()
            .BindConfiguration("EmbeddedMongo")
            .Validate(IsValid, "EmbeddedMongo options are out of range (see EmbeddedMongoOptions)")
            .ValidateOnStart();
        builder.Services.AddHostedService<EmbeddedMongoHostedService>();
        return builder;
    }

    private static bool IsValid(EmbeddedMongoOptions options)
    {
        try
        {
            options.Validate();
            return true;
        }
        catch (ArgumentException)
        {
            // Validate() throws ArgumentException (or ArgumentOutOfRangeException) for a bad setting.
            return false;
        }
    }
}
