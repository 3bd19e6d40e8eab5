namespace AgentSessions.Reconcile;

/// <summary>
/// Names one kind of observation in a <see cref="LiveState"/> (the built-in ones are on
/// <see cref="LiveKeys"/>), and says what it reads as when no source could see it this pass.
/// </summary>
/// <typeparam name="T">The observation's type.</typeparam>
public sealed class ObservationKey<T>
    where T : class
{
    private readonly Func<string, T> _unknown;

    /// <summary>Initializes a new instance of the <see cref="ObservationKey{T}"/> class.</summary>
    /// <param name="name">The source's name, as notes say it ("Claude").</param>
    /// <param name="unknown">What the observation reads as when it could not be made, from the reason.</param>
    internal ObservationKey(string name, Func<string, T> unknown)
    {
        Name = name;
        _unknown = unknown;
    }

    /// <summary>Gets the source's name, as notes say it (for example <c>Claude</c>).</summary>
    public string Name { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The observation of a source that could not see, with why.</summary>
    internal T Unknown(string reason) => _unknown(reason);
}
