using System.Globalization;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;

namespace LlmCore.Privacy.Training;

/// <summary>
/// DP-SGD's accounting as a step callback of the one training loop: before each step it asks the accountant what ε
/// would be after it and refuses the step that would cross the target ε (nothing sampled, no noise drawn); after each
/// step it composes the step's privacy event into the accountant, at the moment the step has been taken.
/// </summary>
/// <remarks>
/// <para>The accountant holds exactly one composed event per logical step, whatever is read and whenever: reading ε
/// (<see cref="Epsilon"/>, or the accountant's own <see cref="IPrivacyAccountant.GetEpsilon"/>) composes nothing.
/// The step event of Poisson-sampled DP-SGD is <c>PoissonSampledEvent(q, GaussianEvent(σ))</c>
/// (<see cref="StepEventFor"/>); before each step the callback checks that the trainer's sampler is the one the
/// event describes, and refuses to run otherwise (an accountant analysing the wrong sampling reports a wrong ε).</para>
/// <para>The number of composed steps is part of every checkpoint (<see cref="ICheckpointParticipant"/>). A resumed run
/// with a new callback composes those steps into its accountant before its first step, so that ε and the target check
/// continue the interrupted run's accounting. A callback that has already composed at least as many steps (the same
/// instance, continuing in the same process) composes nothing more: steps taken after the checkpoint stay spent.</para>
/// <para>List it before any step callback that writes checkpoints. This type is not thread-safe: one training loop
/// uses it (the accountant itself is thread-safe).</para>
/// </remarks>
public sealed class PrivacyAccountingCallback : ITrainingStepCallback, ICheckpointParticipant
{
    private const string StateTag = "llmcore.privacy-accounting.v1";
    private const double SampleRateTolerance = 1e-12;

    /// <summary>Initializes a new instance of the <see cref="PrivacyAccountingCallback"/> class.</summary>
    /// <param name="accountant">The accountant to compose into (it may already hold other events: the same data's other releases).</param>
    /// <param name="stepEvent">The privacy event of one step (see <see cref="StepEventFor"/>).</param>
    /// <param name="delta">The δ at which ε is reported and the target enforced, in (0, 1).</param>
    /// <param name="targetEpsilon">The ε the run must never exceed at <paramref name="delta"/>, finite and &gt; 0, or <see langword="null"/> for no cap.</param>
    /// <exception cref="ArgumentNullException"><paramref name="accountant"/> or <paramref name="stepEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> or <paramref name="targetEpsilon"/> is outside its range.</exception>
    /// <exception cref="ArgumentException">The accountant cannot analyse <paramref name="stepEvent"/>.</exception>
    public PrivacyAccountingCallback(IPrivacyAccountant accountant, PrivacyEvent stepEvent, double delta, double? targetEpsilon = null)
    {
        ArgumentNullException.ThrowIfNull(accountant);
        ArgumentNullException.ThrowIfNull(stepEvent);
        Guard.PositiveDelta(delta);
        if (targetEpsilon is { } target)
        {
            Guard.PositiveFinite(target, nameof(targetEpsilon));
        }

        if (!accountant.Supports(stepEvent))
        {
            throw new ArgumentException($"The accountant cannot analyse the step event {Describe(stepEvent)}.", nameof(accountant));
        }

        Accountant = accountant;
        StepEvent = stepEvent;
        Delta = delta;
        TargetEpsilon = targetEpsilon;
    }

    /// <summary>Gets the accountant every step is composed into.</summary>
    public IPrivacyAccountant Accountant { get; }

    /// <summary>Gets the privacy event of one step.</summary>
    public PrivacyEvent StepEvent { get; }

    /// <summary>Gets δ.</summary>
    public double Delta { get; }

    /// <summary>Gets the ε cap, if any.</summary>
    public double? TargetEpsilon { get; }

    /// <summary>Gets the number of steps composed into the accountant by this callback (including those restored from a checkpoint).</summary>
    public long ComposedSteps { get; private set; }

    /// <summary>Gets a value indicating whether a step has been refused because it would have taken ε past <see cref="TargetEpsilon"/>.</summary>
    public bool TargetReached { get; private set; }

    /// <summary>Gets ε at <see cref="Delta"/> of everything the accountant holds; reading it composes nothing.</summary>
    public double Epsilon => Accountant.GetEpsilon(Delta);

    /// <summary>
    /// The privacy event of one DP-SGD step with noise multiplier σ under the sampler's scheme: for Poisson sampling
    /// with rate q, <c>PoissonSampledEvent(q, GaussianEvent(σ))</c> (Abadi et al. 2016; Mironov, Talwar and Zhang 2019).
    /// </summary>
    /// <param name="sampler">The trainer's batch sampler.</param>
    /// <param name="noiseMultiplier">σ, finite and &gt; 0.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sampler"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="noiseMultiplier"/> is not finite and positive.</exception>
    /// <exception cref="NotSupportedException">The sampler's scheme has no privacy analysis here (fixed-size shuffled or in-order batches).</exception>
    public static PrivacyEvent StepEventFor(IBatchSampler sampler, double noiseMultiplier)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        Guard.PositiveFinite(noiseMultiplier);
        return sampler.Scheme switch
        {
            BatchSamplingScheme.Poisson => new PoissonSampledEvent(sampler.SampleRate, new GaussianEvent(noiseMultiplier)),
            _ => throw new NotSupportedException($"DP-SGD accounting is available for Poisson-sampled batches; a {sampler.Scheme} sampler's batches are not what a Poisson-sampled Gaussian describes."),
        };
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The trainer's sampler is not the one <see cref="StepEvent"/> describes.</exception>
    public bool OnStepBegin(ITrainingSession trainer, in TrainingStepContext context)
    {
        CheckSampler(context.Sampler);
        if (TargetEpsilon is { } target && !(Accountant.GetEpsilonIfComposed(StepEvent, Delta) <= target))
        {
            TargetReached = true;
            return false;
        }

        return true;
    }

    /// <inheritdoc />
    public void OnStepEnd(ITrainingSession trainer, in StepResult step)
    {
        Accountant.Compose(StepEvent);
        ComposedSteps++;
    }

    /// <inheritdoc />
    public void SaveState(Stream destination) => CheckpointState.Write(destination, StateTag, writer =>
    {
        writer.Write(Describe(StepEvent));
        writer.Write(ComposedSteps);
    });

    /// <inheritdoc />
    /// <remarks>Composes the checkpoint's steps into the accountant when this callback has composed none yet.</remarks>
    public void LoadState(Stream source) => CheckpointState.Read(source, StateTag, "a privacy accounting callback", reader =>
    {
        var stepEvent = reader.ReadString();
        var steps = reader.ReadInt64();
        if (stepEvent != Describe(StepEvent))
        {
            throw new InvalidDataException($"The checkpoint accounted steps of {stepEvent}; this callback accounts {Describe(StepEvent)}.");
        }

        if (steps < 0)
        {
            throw new InvalidDataException($"The accounting state is corrupt: {steps} steps.");
        }

        if (ComposedSteps == 0)
        {
            if (steps > 0)
            {
                Accountant.Compose(StepEvent, steps);
            }

            ComposedSteps = steps;
        }
        else if (ComposedSteps < steps)
        {
            throw new InvalidDataException($"This callback has composed {ComposedSteps} steps but the checkpoint records {steps}; resume with a new callback (and the accountant it should add them to).");
        }
    });

    private static string Describe(PrivacyEvent privacyEvent) => privacyEvent switch
    {
        PoissonSampledEvent p => string.Create(CultureInfo.InvariantCulture, $"PoissonSampled(q={p.SamplingProbability:R}, {Describe(p.Event)})"),
        GaussianEvent g => string.Create(CultureInfo.InvariantCulture, $"Gaussian(σ={g.NoiseMultiplier:R})"),
        SelfComposedEvent s => string.Create(CultureInfo.InvariantCulture, $"SelfComposed({Describe(s.Event)}, {s.Count})"),
        _ => privacyEvent.GetType().Name,
    };

    private void CheckSampler(IBatchSampler sampler)
    {
        if (StepEvent is PoissonSampledEvent p
            && !(sampler.Scheme == BatchSamplingScheme.Poisson && Math.Abs(sampler.SampleRate - p.SamplingProbability) <= SampleRateTolerance * p.SamplingProbability))
        {
            throw new InvalidOperationException(
                $"The accountant composes {Describe(StepEvent)} per step but the trainer samples {sampler.Scheme} batches with rate {sampler.SampleRate.ToString("R", CultureInfo.InvariantCulture)}; use the PoissonBatchSampler with that rate.");
        }
    }
}
