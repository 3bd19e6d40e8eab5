namespace AgentSessions.Reconcile;

/// <summary>What kind of registry problem a <see cref="RegistryException"/> reports.</summary>
public enum RegistryErrorKind
{
    /// <summary>The file is not valid YAML (syntax error, tab indentation, bad encoding …).</summary>
    Syntax,

    /// <summary>The YAML is valid but breaks the registry contract (unknown status word, wrong type, missing or duplicate name …).</summary>
    Schema,

    /// <summary>A mapping holds the same key twice.</summary>
    DuplicateKey,

    /// <summary>The file, its nesting or its alias expansion is larger than the configured limits.</summary>
    TooLarge,

    /// <summary>The lock file is held by another writer for longer than the configured wait.</summary>
    Locked,

    /// <summary>The file could not be read or written (permission denied, disk full …).</summary>
    Io,
}

/// <summary>
/// A registry file that cannot be read, parsed, validated, locked or written. The message is
/// one sentence naming the file and, where known, the line, column and field.
/// </summary>
public sealed class RegistryException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="RegistryException"/> class.</summary>
    public RegistryException()
        : this(RegistryErrorKind.Io, string.Empty, "The registry could not be processed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RegistryException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RegistryException(string message)
        : this(RegistryErrorKind.Io, string.Empty, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RegistryException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RegistryException(string message, Exception innerException)
        : this(RegistryErrorKind.Io, string.Empty, message, innerException: innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RegistryException"/> class.</summary>
    /// <param name="kind">What kind of problem this is.</param>
    /// <param name="filePath">The file concerned.</param>
    /// <param name="message">One sentence that says what is wrong (the location is added by the caller of this constructor).</param>
    /// <param name="line">The 1-based line, when known.</param>
    /// <param name="column">The 1-based column, when known.</param>
    /// <param name="field">The field path (for example <c>sessions[2].status</c>), when known.</param>
    /// <param name="innerException">The cause, when there is one.</param>
    public RegistryException(
        RegistryErrorKind kind,
        string filePath,
        string message,
        int? line = null,
        int? column = null,
        string? field = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        FilePath = filePath;
        Line = line;
        Column = column;
        Field = field;
    }

    /// <summary>Gets what kind of problem this is.</summary>
    public RegistryErrorKind Kind { get; }

    /// <summary>Gets the file concerned.</summary>
    public string FilePath { get; }

    /// <summary>Gets the 1-based line of the problem, when known.</summary>
    public int? Line { get; }

    /// <summary>Gets the 1-based column of the problem, when known.</summary>
    public int? Column { get; }

    /// <summary>Gets the field path of the problem (for example <c>sessions[2].status</c>), when known.</summary>
    public string? Field { get; }
}
