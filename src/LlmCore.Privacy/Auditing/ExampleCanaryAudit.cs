using System.Collections.ObjectModel;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Auditing;

/// <summary>
/// A black-box one-run audit with example canaries: canary examples are added to the training set when the plan includes
/// them, the model is trained once, and each canary is scored afterwards (for example by minus its loss).
/// </summary>
/// <typeparam name="TExample">The training example type.</typeparam>
/// <remarks>
/// <para>This type is immutable and thread-safe when <typeparamref name="TExample"/> values are. Usage: add
/// <see cref="IncludedCanaries"/> to the training data, train, call <see cref="Score"/> with a function that is larger
/// for examples the model was trained on, then <see cref="PrivacyAudit.EvaluateOneRun(OneRunAuditPlan, ReadOnlySpan{double}, int, int, double, double)"/>
/// with <see cref="Plan"/>. Under Poisson sampling an included canary is sampled like any other example (probability q
/// per step), so the bound is compared with the accountant's ε for the whole run.</para>
/// </remarks>
public sealed class ExampleCanaryAudit<TExample>
{
    /// <summary>Initializes a new instance of the <see cref="ExampleCanaryAudit{TExample}"/> class with a fresh plan.</summary>
    /// <param name="canaries">The candidate canary examples, at least one.</param>
    /// <param name="source">The random bits of the plan; <see langword="null"/> selects the secure source.</param>
    /// <exception cref="ArgumentNullException"><paramref name="canaries"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="canaries"/> is empty.</exception>
    public ExampleCanaryAudit(IReadOnlyList<TExample> canaries, IRandomSource? source = null)
        : this(canaries, CreatePlan(canaries, source))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExampleCanaryAudit{TExample}"/> class with a given plan.</summary>
    /// <param name="canaries">The canary examples, one per canary of <paramref name="plan"/>.</param>
    /// <param name="plan">The inclusion bits.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The counts differ.</exception>
    public ExampleCanaryAudit(IReadOnlyList<TExample> canaries, OneRunAuditPlan plan)
    {
        ArgumentNullException.ThrowIfNull(canaries);
        ArgumentNullException.ThrowIfNull(plan);
        if (canaries.Count != plan.CanaryCount)
        {
            throw new ArgumentException($"must hold one example per canary of the plan ({plan.CanaryCount}); got {canaries.Count}.", nameof(canaries));
        }

        Canaries = new ReadOnlyCollection<TExample>(canaries.ToArray());
        Plan = plan;
        IncludedCanaries = plan.IncludedCanaries.Select(i => Canaries[i]).ToArray();
    }

    /// <summary>Gets every canary example, included or not, in plan order.</summary>
    public IReadOnlyList<TExample> Canaries { get; }

    /// <summary>Gets the plan (the inclusion bits).</summary>
    public OneRunAuditPlan Plan { get; }

    /// <summary>Gets the canaries to add to the training set.</summary>
    public IReadOnlyList<TExample> IncludedCanaries { get; }

    /// <summary>Scores every canary after training.</summary>
    /// <param name="score">Larger for examples the model was trained on (for example, minus the loss); must be finite.</param>
    /// <returns>One score per canary, in plan order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="score"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A score is NaN or infinite.</exception>
    public double[] Score(Func<TExample, double> score)
    {
        ArgumentNullException.ThrowIfNull(score);
        var scores = new double[Canaries.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = score(Canaries[i]);
            if (!double.IsFinite(scores[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(score), scores[i], $"the score of canary {i} must be finite.");
            }
        }

        return scores;
    }

    private static OneRunAuditPlan CreatePlan(IReadOnlyList<TExample> canaries, IRandomSource? source)
    {
        ArgumentNullException.ThrowIfNull(canaries);
        if (canaries.Count == 0)
        {
            throw new ArgumentException("must hold at least one canary.", nameof(canaries));
        }

        return OneRunAuditPlan.Create(canaries.Count, source);
    }
}
