using System.ComponentModel.DataAnnotations;
using System.Reflection;
using ChatSocket.Hosting;
using ChatSocket.Persistence;
using ChatSocket.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatSocket.Tests.Hosting;

/// <summary>
/// Every options section's annotations are checked by a generated validator, which a native (trimmed) build keeps
/// whole, and its failures name the setting as a person writes it.
/// </summary>
[TestFixture]
public sealed class OptionsValidationTests
{
    [Test]
    public async Task Each_annotated_section_is_checked_by_a_generated_validator_and_none_by_reflection()
    {
        await using var server = await ChatServer.StartAsync();
        var provider = server.GetRequiredService<IServiceProvider>();
        var annotated = OptionsSection.All.Where(s => s.Options.GetProperties().Any(p => p.GetCustomAttributes<ValidationAttribute>().Any())).ToList();
        Assert.That(annotated, Has.Count.GreaterThanOrEqualTo(9), "the sections with annotations");

        foreach (var section in annotated)
        {
            var validators = provider.GetServices(typeof(IValidateOptions<>).MakeGenericType(section.Options)).Select(v => v!.GetType()).ToList();

            Assert.That(validators.Where(v => v.GetCustomAttribute<OptionsValidatorAttribute>() is not null), Has.Exactly(1).Items, section.Name);
            Assert.That(validators.Select(v => v.Name), Has.None.StartsWith("DataAnnotationValidateOptions"), section.Name);
        }
    }

    [Test]
    public void A_range_failure_names_the_setting_and_the_allowed_range()
    {
        Assert.That(
            DescribeFailure(new ChatOptionsAnnotationValidator(), new ChatOptions { MaxConnections = 0 }),
            Is.EqualTo("ChatSocket cannot start: invalid configuration: Chat:MaxConnections: The field MaxConnections must be between 1 and 10000000. " +
                "Fix it in appsettings.json, an environment variable or the command line."));
    }

    [Test]
    public void A_duration_out_of_range_names_the_setting_and_the_allowed_range()
    {
        Assert.That(
            DescribeFailure(new ChatOptionsAnnotationValidator(), new ChatOptions { PingInterval = TimeSpan.Zero }),
            Does.Contain("invalid configuration: Chat:PingInterval: The field PingInterval must be between 00:00:00.0500000 and 1.00:00:00."));
    }

    [Test]
    public void A_missing_required_setting_is_named_as_written()
    {
        Assert.That(
            DescribeFailure(new MongoOptionsAnnotationValidator(), new MongoOptions { Database = "" }),
            Does.Contain("invalid configuration: Mongo:Database: The Database field is required."));
    }

    // The start-up line for what the validator finds wrong with options, as the host would report it.
    private static string DescribeFailure<TOptions>(IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class
    {
        var result = validator.Validate(Options.DefaultName, options);
        return StartupFailure.Describe(new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures));
    }
}
