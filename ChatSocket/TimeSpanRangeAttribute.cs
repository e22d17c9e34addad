using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace ChatSocket;

/// <summary>
/// The allowed range of a <see cref="TimeSpan"/> setting, its bounds parsed here. <c>[Range(typeof(TimeSpan), ...)]</c>
/// converts its bounds with a type converter found by reflection, which a native (trimmed) build cannot promise to
/// keep.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute("The field {0} must be between {1} and {2}.")
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    // As RangeAttribute: no value is [Required]'s concern.
    public override bool IsValid(object? value) => value switch
    {
        null => true,
        TimeSpan time => time >= Minimum && time <= Maximum,
        _ => false,
    };

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.InvariantCulture, ErrorMessageString, name, Minimum, Maximum);
}
