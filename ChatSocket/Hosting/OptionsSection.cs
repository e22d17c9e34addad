using System.Diagnostics.CodeAnalysis;
using ChatSocket.Analytics;
using ChatSocket.Backplane;
using ChatSocket.Identity;
using ChatSocket.Operations;
using ChatSocket.Persistence;
using ChatSocket.Search;

namespace ChatSocket.Hosting;

/// <summary>
/// A configuration section of the server and the options class bound to it: the list that names settings in errors and
/// warnings (<c>Chat:MaxConnections</c>). Kept by hand rather than found by reflection, which a Native AOT build trims.
/// </summary>
/// <param name="Name">The section, as a person writes it.</param>
/// <param name="Options">The options class; its public properties are the section's settings.</param>
internal sealed record OptionsSection(
    string Name,
    [param: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    [property: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    Type Options)
{
    /// <summary>Every section the server reads.</summary>
    public static IReadOnlyList<OptionsSection> All { get; } =
    [
        new(ChatOptions.SectionName, typeof(ChatOptions)),
        new(PersistenceOptions.Section, typeof(PersistenceOptions)),
        new(MongoOptions.Section, typeof(MongoOptions)),
        new(EmbeddedStoreOptions.Section, typeof(EmbeddedStoreOptions)),
        new(MetricsOptions.Section, typeof(MetricsOptions)),
        new(BackplaneOptions.Section, typeof(BackplaneOptions)),
        new(SearchOptions.Section, typeof(SearchOptions)),
        new(AnalyticsOptions.Section, typeof(AnalyticsOptions)),
        new(AuthOptions.Section, typeof(AuthOptions)),
    ];
}
