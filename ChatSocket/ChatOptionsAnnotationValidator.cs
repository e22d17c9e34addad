using Microsoft.Extensions.Options;

namespace ChatSocket;

/// <summary>Checks the data annotations of <see cref="ChatOptions"/> in generated code, which a trimmed or native build
/// keeps whole (<c>ValidateDataAnnotations</c> reads the attributes by reflection).</summary>
[OptionsValidator]
internal sealed partial class ChatOptionsAnnotationValidator : IValidateOptions<ChatOptions>;
