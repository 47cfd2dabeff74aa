namespace LlmCore.Privacy.Accounting;

/// <summary>
/// Composes privacy events and converts the composition into (ε, δ)-DP, after dp_accounting's
/// <c>PrivacyAccountant</c>. Implementations: <see cref="RdpAccountant"/> (fast, an upper bound through Rényi DP) and
/// <see cref="PldAccountant"/> (privacy loss distributions: tighter, a pessimistic numerical upper bound).
/// </summary>
/// <remarks>
/// The neighbouring relation is add/remove-one (as in Opacus and dp_accounting); for Poisson-sampled events the worse of
/// the two directions is reported. Implementations in this package are thread-safe: every member takes a lock.
/// </remarks>
public interface IPrivacyAccountant
{
    /// <summary>Gets the events composed so far, in order (empty before the first <see cref="Compose"/>).</summary>
    IReadOnlyList<PrivacyEvent> History { get; }

    /// <summary>Whether this accountant can analyse <paramref name="privacyEvent"/>.</summary>
    /// <param name="privacyEvent">The event.</param>
    /// <returns><see langword="true"/> when <see cref="Compose"/> would accept it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="privacyEvent"/> is <see langword="null"/>.</exception>
    bool Supports(PrivacyEvent privacyEvent);

    /// <summary>Adds <paramref name="count"/> runs of <paramref name="privacyEvent"/> to the composition.</summary>
    /// <param name="privacyEvent">The event.</param>
    /// <param name="count">How many times it ran; ≥ 1.</param>
    /// <returns>This accountant, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="privacyEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is &lt; 1.</exception>
    /// <exception cref="UnsupportedPrivacyEventException">The accountant cannot analyse the event; nothing was composed.</exception>
    IPrivacyAccountant Compose(PrivacyEvent privacyEvent, long count = 1);

    /// <summary>The smallest ε such that the composition so far is (ε, δ)-DP (0 before any event); +∞ when no finite ε is certified.</summary>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <returns>ε ≥ 0, possibly <see cref="double.PositiveInfinity"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1) or NaN.</exception>
    double GetEpsilon(double delta);

    /// <summary>The smallest δ such that the composition so far is (ε, δ)-DP.</summary>
    /// <param name="epsilon">ε ≥ 0 (+∞ gives 0).</param>
    /// <returns>δ in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is negative or NaN.</exception>
    double GetDelta(double epsilon);

    /// <summary>
    /// What <see cref="GetEpsilon"/> would return after composing <paramref name="privacyEvent"/>, without changing
    /// this accountant (the question a budget asks before it lets a release happen).
    /// </summary>
    /// <param name="privacyEvent">The event that might run.</param>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <returns>ε ≥ 0, possibly <see cref="double.PositiveInfinity"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="privacyEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1) or NaN.</exception>
    /// <exception cref="UnsupportedPrivacyEventException">The accountant cannot analyse the event.</exception>
    double GetEpsilonIfComposed(PrivacyEvent privacyEvent, double delta);

    /// <summary>What <see cref="GetDelta"/> would return after composing <paramref name="privacyEvent"/>, without changing this accountant.</summary>
    /// <param name="privacyEvent">The event that might run.</param>
    /// <param name="epsilon">ε ≥ 0.</param>
    /// <returns>δ in [0, 1].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="privacyEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is negative or NaN.</exception>
    /// <exception cref="UnsupportedPrivacyEventException">The accountant cannot analyse the event.</exception>
    double GetDeltaIfComposed(PrivacyEvent privacyEvent, double epsilon);
}

/// <summary>The accountants that <see cref="IPrivacyAccountantFactory"/> can create.</summary>
public enum PrivacyAccountantKind
{
    /// <summary><see cref="RdpAccountant"/>: Rényi DP over a list of orders with the improved conversion.</summary>
    Rdp = 0,

    /// <summary><see cref="PldAccountant"/>: privacy loss distributions with pessimistic discretisation.</summary>
    Pld = 1,
}

/// <summary>Creates fresh, empty accountants configured by <see cref="AccountingOptions"/>; what a host resolves from DI.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IPrivacyAccountantFactory
{
    /// <summary>Creates an empty accountant of the given kind.</summary>
    /// <param name="kind">Which accountant.</param>
    /// <returns>A new accountant with nothing composed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is undefined.</exception>
    IPrivacyAccountant Create(PrivacyAccountantKind kind);

    /// <summary>Creates an empty accountant of the configured default kind (<see cref="AccountingOptions.DefaultAccountant"/>).</summary>
    /// <returns>A new accountant with nothing composed.</returns>
    IPrivacyAccountant Create();
}
