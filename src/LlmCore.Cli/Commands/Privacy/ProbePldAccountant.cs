using LlmCore.Privacy.Accounting;

namespace LlmCore.Cli.Commands.Privacy;

/// <summary>
/// The accountant of one probe of a search (<c>privacy noise-multiplier --accountant pld</c>): a <see cref="PldAccountant"/>
/// whose every call carries the command's cancellation token, so that Ctrl-C stops within a probe rather than only
/// between probes, and which reports each ε it answers with the event it composed (the progress bar's probe counter).
/// </summary>
/// <remarks>Not thread-safe beyond what <see cref="PldAccountant"/> guarantees: one probe is used by one search.</remarks>
internal sealed class ProbePldAccountant(PldAccountant inner, CancellationToken cancellationToken, Action<PrivacyEvent?, double> answered) : IPrivacyAccountant
{
    private PrivacyEvent? _composed;

    public IReadOnlyList<PrivacyEvent> History => inner.History;

    public bool Supports(PrivacyEvent privacyEvent) => inner.Supports(privacyEvent);

    public IPrivacyAccountant Compose(PrivacyEvent privacyEvent, long count = 1)
    {
        inner.Compose(privacyEvent, count, cancellationToken);
        _composed = privacyEvent;
        return this;
    }

    public double GetEpsilon(double delta)
    {
        var epsilon = inner.GetEpsilon(delta, cancellationToken);
        answered(_composed, epsilon);
        return epsilon;
    }

    public double GetDelta(double epsilon) => inner.GetDelta(epsilon);

    public double GetEpsilonIfComposed(PrivacyEvent privacyEvent, double delta) => inner.GetEpsilonIfComposed(privacyEvent, delta);

    public double GetDeltaIfComposed(PrivacyEvent privacyEvent, double epsilon) => inner.GetDeltaIfComposed(privacyEvent, epsilon);
}
