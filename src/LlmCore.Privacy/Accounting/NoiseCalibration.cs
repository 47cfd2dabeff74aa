namespace LlmCore.Privacy.Accounting;

/// <summary>The noise multiplier a calibration chose and the ε it gives.</summary>
/// <param name="NoiseMultiplier">σ, the returned (upper) end of the search: its ε is ≤ the target.</param>
/// <param name="Epsilon">ε at <paramref name="NoiseMultiplier"/>, ≤ the target and within the tolerance of it.</param>
/// <param name="TargetEpsilon">The target ε.</param>
/// <param name="Delta">δ.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record NoiseCalibrationResult(double NoiseMultiplier, double Epsilon, double TargetEpsilon, double Delta)
{
    /// <summary>
    /// Gets a value indicating whether the accountant refused to analyse smaller noise multipliers (an
    /// <see cref="AccountingLimitExceededException"/>, e.g. the PLD accountant's grid limit), so that the search stopped at
    /// the smallest σ it could certify: <see cref="Epsilon"/> is still ≤ the target, but may lie further below it than the
    /// tolerance.
    /// </summary>
    /// <value><see langword="false"/> when the search ended within the tolerance as usual.</value>
    public bool StoppedAtAccountantLimit { get; init; }
}

/// <summary>No parameter in the search range meets the privacy target (e.g. σ would have to exceed 1e6); carries the numbers.</summary>
/// <remarks>Thread-safe (immutable).</remarks>
public sealed class PrivacyCalibrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PrivacyCalibrationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public PrivacyCalibrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public PrivacyCalibrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the target ε that could not be met, when known.</summary>
    public double? TargetEpsilon { get; init; }

    /// <summary>Gets δ, when known.</summary>
    public double? Delta { get; init; }
}

/// <summary>
/// Calibration: the noise multiplier for a target ε (Opacus' <c>get_noise_multiplier</c>) and the most steps or epochs
/// a budget allows.
/// </summary>
/// <remarks>Stateless and thread-safe (each evaluation uses a fresh accountant from the given factory).</remarks>
public static class NoiseCalibration
{
    /// <summary>Opacus' default tolerance on ε for the noise-multiplier search: 0.01.</summary>
    public const double DefaultEpsilonTolerance = 0.01;

    /// <summary>The largest noise multiplier the search tries (Opacus' <c>MAX_SIGMA</c>): 1e6.</summary>
    public const double MaxNoiseMultiplier = 1e6;

    /// <summary>How close (relative to σ) the search brackets the smallest σ an accountant can analyse when it refuses smaller ones.</summary>
    private const double LimitedSearchRelativeWidth = 1e-3;

    /// <summary>
    /// The noise multiplier σ for DP-SGD with sampling rate q over T steps so that ε(δ) ≤ target, by Opacus'
    /// algorithm: σ_high = 10, doubled until ε(σ_high) ≤ target; then bisection on [0, σ_high] while
    /// target − ε(σ_high) &gt; tolerance. Returns σ_high, whose ε is ≤ the target and ≥ target − tolerance.
    /// </summary>
    /// <remarks>
    /// A large target ε drives the bisection towards tiny σ, where the PLD accountant's work grows without bound. A σ it
    /// refuses (<see cref="AccountingLimitExceededException"/>) counts as too small: the search then ends at the smallest σ
    /// it could certify (within 0.1 % of it), <see cref="NoiseCalibrationResult.StoppedAtAccountantLimit"/> says so, and
    /// the returned ε is still ≤ the target. A refusal while σ_high is being doubled (too many steps even for large σ) is
    /// passed on.
    /// </remarks>
    /// <param name="targetEpsilon">The target ε, finite and &gt; 0.</param>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <param name="sampleRate">q, in (0, 1].</param>
    /// <param name="steps">T ≥ 1.</param>
    /// <param name="accountantFactory">Makes an empty accountant per evaluation (e.g. <c>() =&gt; new RdpAccountant()</c>).</param>
    /// <param name="epsilonTolerance">The stopping gap on ε, finite and &gt; 0 (default 0.01 as Opacus).</param>
    /// <param name="cancellationToken">Cancels the search between evaluations.</param>
    /// <returns>σ and its ε.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="accountantFactory"/> is <see langword="null"/>.</exception>
    /// <exception cref="PrivacyCalibrationException">σ would have to exceed <see cref="MaxNoiseMultiplier"/>.</exception>
    /// <exception cref="AccountingLimitExceededException">The accountant refused even the large σ of the doubling phase.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static NoiseCalibrationResult FindNoiseMultiplier(
        double targetEpsilon,
        double delta,
        double sampleRate,
        long steps,
        Func<IPrivacyAccountant> accountantFactory,
        double epsilonTolerance = DefaultEpsilonTolerance,
        CancellationToken cancellationToken = default)
    {
        PrivacyEvent.CheckProbability(sampleRate, nameof(sampleRate));
        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 1.");
        }

        return FindNoiseMultiplier(
            targetEpsilon,
            delta,
            sigma => new SelfComposedEvent(new PoissonSampledEvent(sampleRate, new GaussianEvent(sigma)), steps),
            accountantFactory,
            epsilonTolerance,
            cancellationToken);
    }

    /// <summary>The same search as the other overload for any family of events indexed by σ (larger σ must mean less privacy loss).</summary>
    /// <param name="targetEpsilon">The target ε, finite and &gt; 0.</param>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <param name="eventForNoiseMultiplier">Builds the whole event for a candidate σ.</param>
    /// <param name="accountantFactory">Makes an empty accountant per evaluation.</param>
    /// <param name="epsilonTolerance">The stopping gap on ε, finite and &gt; 0.</param>
    /// <param name="cancellationToken">Cancels the search between evaluations.</param>
    /// <returns>σ and its ε.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    /// <exception cref="ArgumentNullException">A delegate is <see langword="null"/>.</exception>
    /// <exception cref="PrivacyCalibrationException">σ would have to exceed <see cref="MaxNoiseMultiplier"/>.</exception>
    /// <exception cref="AccountingLimitExceededException">The accountant refused even the large σ of the doubling phase.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static NoiseCalibrationResult FindNoiseMultiplier(
        double targetEpsilon,
        double delta,
        Func<double, PrivacyEvent> eventForNoiseMultiplier,
        Func<IPrivacyAccountant> accountantFactory,
        double epsilonTolerance = DefaultEpsilonTolerance,
        CancellationToken cancellationToken = default)
    {
        Guard.PositiveFinite(targetEpsilon);
        Guard.PositiveDelta(delta);
        Guard.PositiveFinite(epsilonTolerance);
        ArgumentNullException.ThrowIfNull(eventForNoiseMultiplier);
        ArgumentNullException.ThrowIfNull(accountantFactory);

        double Epsilon(double sigma)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var accountant = accountantFactory();
            accountant.Compose(eventForNoiseMultiplier(sigma));
            return accountant.GetEpsilon(delta);
        }

        // ε at σ, or null when the accountant refuses σ (too little noise for its grid limit). Every local of the search is
        // assigned where it is declared, so no single change to the search (a mutant) leaves one unassigned.
        double? EpsilonOrNull(double sigma)
        {
            try
            {
                return Epsilon(sigma);
            }
            catch (AccountingLimitExceededException)
            {
                return null;
            }
        }

        var epsHigh = double.PositiveInfinity;
        double sigmaLow = 0, sigmaHigh = 10;
        while (epsHigh > targetEpsilon)
        {
            sigmaHigh *= 2;
            if (sigmaHigh > MaxNoiseMultiplier)
            {
                throw new PrivacyCalibrationException(
                    $"The privacy budget is too low: even a noise multiplier of {MaxNoiseMultiplier:G} gives epsilon > {targetEpsilon:G} at delta = {delta:G}.")
                {
                    TargetEpsilon = targetEpsilon,
                    Delta = delta,
                };
            }

            epsHigh = Epsilon(sigmaHigh);
        }

        // sigmaLimit: the largest σ the accountant refused to analyse (0 while none was refused).
        var sigmaLimit = 0.0;
        while (targetEpsilon - epsHigh > epsilonTolerance)
        {
            if (sigmaLimit > 0 && sigmaHigh - sigmaLow <= LimitedSearchRelativeWidth * sigmaHigh)
            {
                break;
            }

            var sigma = (sigmaLow + sigmaHigh) / 2;
            var analysed = EpsilonOrNull(sigma);
            if (analysed is null)
            {
                sigmaLimit = sigma;
                sigmaLow = sigma;
                continue;
            }

            var eps = analysed.Value;
            if (eps < targetEpsilon)
            {
                sigmaHigh = sigma;
                epsHigh = eps;
            }
            else
            {
                sigmaLow = sigma;
            }
        }

        return new NoiseCalibrationResult(sigmaHigh, epsHigh, targetEpsilon, delta)
        {
            StoppedAtAccountantLimit = sigmaLimit > 0 && targetEpsilon - epsHigh > epsilonTolerance,
        };
    }

    /// <summary>
    /// The largest number of repetitions T of <paramref name="stepEvent"/> with ε(δ) ≤ <paramref name="targetEpsilon"/>
    /// (doubling, then bisection on integers; ε is non-decreasing in T). 0 when a single step already exceeds the target.
    /// </summary>
    /// <param name="stepEvent">One step (e.g. <c>new PoissonSampledEvent(q, new GaussianEvent(σ))</c>).</param>
    /// <param name="targetEpsilon">The budget ε, finite and &gt; 0.</param>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <param name="accountantFactory">Makes an empty accountant per evaluation.</param>
    /// <param name="maxSteps">The largest T considered, ≥ 1 (returned when even it fits).</param>
    /// <param name="cancellationToken">Cancels the search between evaluations.</param>
    /// <returns>The largest T in [0, <paramref name="maxSteps"/>].</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="AccountingLimitExceededException">The accountant refused to analyse a step count the search tried (the PLD accountant's grid limit).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static long MaxSteps(
        PrivacyEvent stepEvent,
        double targetEpsilon,
        double delta,
        Func<IPrivacyAccountant> accountantFactory,
        long maxSteps = 100_000_000,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stepEvent);
        ArgumentNullException.ThrowIfNull(accountantFactory);
        Guard.PositiveFinite(targetEpsilon);
        Guard.PositiveDelta(delta);
        if (maxSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "maxSteps must be >= 1.");
        }

        bool Fits(long t)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var accountant = accountantFactory();
            accountant.Compose(stepEvent, t);
            return accountant.GetEpsilon(delta) <= targetEpsilon;
        }

        if (!Fits(1))
        {
            return 0;
        }

        long good = 1, bad = -1;
        while (bad < 0)
        {
            var next = Math.Min(maxSteps, good * 2);
            if (next == good)
            {
                return good;
            }

            if (Fits(next))
            {
                good = next;
            }
            else
            {
                bad = next;
            }
        }

        while (bad - good > 1)
        {
            var mid = good + (bad - good) / 2;
            if (Fits(mid))
            {
                good = mid;
            }
            else
            {
                bad = mid;
            }
        }

        return good;
    }

    /// <summary>
    /// The most whole epochs of DP-SGD (q = B/N, T = ⌈E·N/B⌉ steps, as the CLI contract counts them) with ε(δ) ≤ target.
    /// </summary>
    /// <param name="datasetSize">N ≥ 1.</param>
    /// <param name="batchSize">B, in [1, N] (the expected batch size of Poisson sampling).</param>
    /// <param name="noiseMultiplier">σ, finite and &gt; 0.</param>
    /// <param name="targetEpsilon">The budget ε, finite and &gt; 0.</param>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <param name="accountantFactory">Makes an empty accountant per evaluation.</param>
    /// <param name="cancellationToken">Cancels the search between evaluations.</param>
    /// <returns>The largest E ≥ 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="accountantFactory"/> is <see langword="null"/>.</exception>
    /// <exception cref="AccountingLimitExceededException">The accountant refused to analyse a step count the search tried (the PLD accountant's grid limit).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static long MaxEpochs(
        long datasetSize,
        long batchSize,
        double noiseMultiplier,
        double targetEpsilon,
        double delta,
        Func<IPrivacyAccountant> accountantFactory,
        CancellationToken cancellationToken = default)
    {
        if (datasetSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(datasetSize), datasetSize, "datasetSize must be >= 1.");
        }

        if (batchSize < 1 || batchSize > datasetSize)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be in [1, datasetSize].");
        }

        var q = (double)batchSize / datasetSize;
        var step = new PoissonSampledEvent(q, new GaussianEvent(noiseMultiplier));
        var maxSteps = MaxSteps(step, targetEpsilon, delta, accountantFactory, cancellationToken: cancellationToken);

        // E epochs take ⌈E·N/B⌉ steps, non-decreasing in E: the largest E whose step count fits.
        var epochs = (long)Math.Floor(maxSteps * (double)batchSize / datasetSize);
        while (epochs > 0 && StepsForEpochs(epochs, datasetSize, batchSize) > maxSteps)
        {
            epochs--;
        }

        while (StepsForEpochs(epochs + 1, datasetSize, batchSize) <= maxSteps)
        {
            epochs++;
        }

        return epochs;
    }

    /// <summary>T = ⌈E·N/B⌉, the step count of E epochs with dataset size N and expected batch size B (the CLI contract's rule).</summary>
    /// <param name="epochs">E ≥ 0 (may be fractional).</param>
    /// <param name="datasetSize">N ≥ 1.</param>
    /// <param name="batchSize">B ≥ 1.</param>
    /// <returns>T.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static long StepsForEpochs(double epochs, long datasetSize, long batchSize)
    {
        if (!(epochs >= 0) || double.IsInfinity(epochs))
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be finite and >= 0.");
        }

        if (datasetSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(datasetSize), datasetSize, "datasetSize must be >= 1.");
        }

        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be >= 1.");
        }

        // Exact for integer E: ⌈E·N/B⌉ on integers avoids 60·60000/256 rounding up to the next integer by accident.
        if (epochs == Math.Floor(epochs) && epochs * datasetSize < long.MaxValue / 2)
        {
            var numerator = (long)epochs * datasetSize;
            return (numerator + batchSize - 1) / batchSize;
        }

        return (long)Math.Ceiling(epochs * datasetSize / batchSize);
    }
}
