using System.Globalization;
using LlmCore.Privacy.Accounting;

namespace LlmCore.Privacy.Budget;

/// <summary>
/// A privacy budget backed by an <see cref="IPrivacyAccountant"/>: each release is charged as a
/// <see cref="PrivacyEvent"/> and composed by the accountant (RDP or PLD, much tighter than the basic composition
/// of <see cref="PrivacyBudget"/>), and a release whose composed ε at <see cref="Delta"/> would exceed
/// <see cref="EpsilonLimit"/> is refused.
/// </summary>
/// <remarks>
/// <para>This type is thread-safe and fails closed: <see cref="Spend"/> and <see cref="TrySpend"/> ask the
/// accountant for the ε after the event (<see cref="IPrivacyAccountant.GetEpsilonIfComposed"/>) and compose it
/// under one lock, so concurrent callers can never jointly exceed the limit. Charge <em>before</em> drawing noise
/// (or use <see cref="Release{TResult}"/>), so a refused release reveals nothing.</para>
/// <para>The accountant should be used only through this budget; events composed into it elsewhere also count.</para>
/// </remarks>
public sealed class AccountantBackedBudget
{
    private readonly Lock _gate = new();
    private long _spends;

    /// <summary>Initializes a new instance of the <see cref="AccountantBackedBudget"/> class.</summary>
    /// <param name="accountant">The accountant that composes the releases.</param>
    /// <param name="epsilonLimit">The largest ε allowed at <paramref name="delta"/>, finite and &gt; 0.</param>
    /// <param name="delta">The δ at which ε is measured, in (0, 1).</param>
    /// <exception cref="ArgumentNullException"><paramref name="accountant"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is outside its range.</exception>
    public AccountantBackedBudget(IPrivacyAccountant accountant, double epsilonLimit, double delta)
    {
        ArgumentNullException.ThrowIfNull(accountant);
        Guard.PositiveFinite(epsilonLimit);
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1).");
        }

        Accountant = accountant;
        EpsilonLimit = epsilonLimit;
        Delta = delta;
    }

    /// <summary>Gets the accountant.</summary>
    public IPrivacyAccountant Accountant { get; }

    /// <summary>Gets the largest ε allowed.</summary>
    public double EpsilonLimit { get; }

    /// <summary>Gets δ.</summary>
    public double Delta { get; }

    /// <summary>Gets the ε spent so far at <see cref="Delta"/> (0 before the first release).</summary>
    public double EpsilonSpent
    {
        get
        {
            lock (_gate)
            {
                return _spends == 0 ? 0 : Accountant.GetEpsilon(Delta);
            }
        }
    }

    /// <summary>Gets the number of accepted releases.</summary>
    public long SpendCount
    {
        get
        {
            lock (_gate)
            {
                return _spends;
            }
        }
    }

    /// <summary>Charges <paramref name="privacyEvent"/> if the composed ε stays ≤ the limit; otherwise changes nothing.</summary>
    /// <param name="privacyEvent">The release's privacy event.</param>
    /// <returns><see langword="true"/> if charged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="privacyEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="UnsupportedPrivacyEventException">The accountant cannot compose the event.</exception>
    public bool TrySpend(PrivacyEvent privacyEvent) => TryCharge(privacyEvent, out _);

    /// <summary>Charges <paramref name="privacyEvent"/>, or throws and changes nothing if the composed ε would exceed the limit.</summary>
    /// <param name="privacyEvent">The release's privacy event.</param>
    /// <exception cref="ArgumentNullException"><paramref name="privacyEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The composed ε would exceed <see cref="EpsilonLimit"/>.</exception>
    /// <exception cref="UnsupportedPrivacyEventException">The accountant cannot compose the event.</exception>
    public void Spend(PrivacyEvent privacyEvent)
    {
        if (!TryCharge(privacyEvent, out var wouldBe))
        {
            throw new PrivacyBudgetExceededException(string.Create(
                CultureInfo.InvariantCulture,
                $"Releasing {privacyEvent} would take epsilon to {wouldBe:R} at delta {Delta:R}, above the limit {EpsilonLimit:R}."));
        }
    }

    /// <summary>Charges <paramref name="privacyEvent"/> and only then runs <paramref name="release"/> (which draws the noise).</summary>
    /// <typeparam name="TResult">The release's result.</typeparam>
    /// <param name="privacyEvent">The release's privacy event.</param>
    /// <param name="release">The noisy computation.</param>
    /// <returns>The release.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The composed ε would exceed the limit; <paramref name="release"/> is not run.</exception>
    public TResult Release<TResult>(PrivacyEvent privacyEvent, Func<TResult> release)
    {
        ArgumentNullException.ThrowIfNull(release);
        Spend(privacyEvent);
        return release();
    }

    private bool TryCharge(PrivacyEvent privacyEvent, out double wouldBe)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        if (!Accountant.Supports(privacyEvent))
        {
            throw new UnsupportedPrivacyEventException($"The accountant cannot compose {privacyEvent}.");
        }

        lock (_gate)
        {
            wouldBe = Accountant.GetEpsilonIfComposed(privacyEvent, Delta);
            if (!(wouldBe <= EpsilonLimit))
            {
                return false;
            }

            Accountant.Compose(privacyEvent);
            _spends++;
            return true;
        }
    }
}
