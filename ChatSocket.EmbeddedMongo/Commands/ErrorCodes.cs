namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>MongoDB server error codes this engine answers with, and their code names.</summary>
internal static class ErrorCodes
{
    public const int InternalError = 1;
    public const int BadValue = 2;
    public const int FailedToParse = 9;
    public const int TypeMismatch = 14;
    public const int InvalidNamespace = 73;
    public const int NamespaceNotFound = 26;
    public const int IndexNotFound = 27;
    public const int CursorNotFound = 43;
    public const int NamespaceExists = 48;
    public const int CommandNotFound = 59;
    public const int ImmutableField = 66;
    public const int InvalidOptions = 72;
    public const int IndexOptionsConflict = 85;
    public const int IndexKeySpecsConflict = 86;
    public const int ShutdownInProgress = 91;
    public const int InvalidPipelineOperator = 168;
    public const int CannotIndexParallelArrays = 171;
    public const int DuplicateKey = 11000;
    public const int InterruptedAtShutdown = 11600;
    public const int UnknownStage = 40324;
    public const int OperationNotSupportedInTransaction = 263;

    /// <summary>A write the journal could not take because the disk (or quota) is full: not applied.</summary>
    public const int OutOfDiskSpace = 14031;

    // As .NET reports them in IOException.HResult: errno ENOSPC (28), EDQUOT (122 on Linux, 69 on macOS); on
    // Windows the HRESULTs of ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL.
    private static readonly int[] DiskFullResults = [28, 122, 69, unchecked((int)0x80070027), unchecked((int)0x80070070)];

    /// <summary>
    /// The code for a write the journal did not take: <see cref="OutOfDiskSpace"/> for a full disk, otherwise
    /// <see cref="InternalError"/>. Either way the write was not applied.
    /// </summary>
    public static int OfJournalFailure(IOException exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (Array.IndexOf(DiskFullResults, e.HResult) >= 0)
            {
                return OutOfDiskSpace;
            }
        }

        return InternalError;
    }

    /// <summary>The codeName MongoDB sends with a code; generic for codes this table does not know.</summary>
    public static string NameOf(int code) => code switch
    {
        InternalError => "InternalError",
        BadValue => "BadValue",
        FailedToParse => "FailedToParse",
        TypeMismatch => "TypeMismatch",
        NamespaceNotFound => "NamespaceNotFound",
        IndexNotFound => "IndexNotFound",
        CursorNotFound => "CursorNotFound",
        NamespaceExists => "NamespaceExists",
        CommandNotFound => "CommandNotFound",
        ImmutableField => "ImmutableField",
        InvalidOptions => "InvalidOptions",
        InvalidNamespace => "InvalidNamespace",
        IndexOptionsConflict => "IndexOptionsConflict",
        IndexKeySpecsConflict => "IndexKeySpecsConflict",
        ShutdownInProgress => "ShutdownInProgress",
        InvalidPipelineOperator => "InvalidPipelineOperator",
        CannotIndexParallelArrays => "CannotIndexParallelArrays",
        DuplicateKey => "DuplicateKey",
        OutOfDiskSpace => "OutOfDiskSpace",
        InterruptedAtShutdown => "InterruptedAtShutdown",
        UnknownStage => "Location40324",
        6 => "HostUnreachable",
        7 => "HostNotFound",
        89 => "NetworkTimeout",
        189 => "PrimarySteppedDown",
        262 => "ExceededTimeLimit",
        10107 => "NotWritablePrimary",
        11602 => "InterruptedDueToReplStateChange",
        13435 => "NotPrimaryNoSecondaryOk",
        13436 => "NotPrimaryOrSecondary",
        _ => "Location" + code,
    };
}
