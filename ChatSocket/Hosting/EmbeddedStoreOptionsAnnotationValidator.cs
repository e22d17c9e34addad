using Microsoft.Extensions.Options;

namespace ChatSocket.Hosting;

/// <summary>Checks the data annotations of <see cref="EmbeddedStoreOptions"/> in generated code, which a trimmed or native build
/// keeps whole (<c>ValidateDataAnnotations</c> reads the attributes by reflection).</summary>
[OptionsValidator]
internal sealed partial class EmbeddedStoreOptionsAnnotationValidator : IValidateOptions<EmbeddedStoreOptions>;
