using Microsoft.Extensions.Options;

namespace ChatSocket.Identity;

/// <summary>Checks the data annotations of <see cref="AuthOptions"/> in generated code, which a trimmed or native build
/// keeps whole (<c>ValidateDataAnnotations</c> reads the attributes by reflection).</summary>
[OptionsValidator]
internal sealed partial class AuthOptionsAnnotationValidator : IValidateOptions<AuthOptions>;
