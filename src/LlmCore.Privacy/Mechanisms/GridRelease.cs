using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>A grid mechanism as <see cref="GridRelease"/> sees it: its grid and its noise, both multiples of the grid.</summary>
internal interface IGridNoise : IPrivacyMechanism
{
    /// <summary>Rounds a value to the grid.</summary>
    double RoundToGrid(double value);

    /// <summary>Fills a span with noise on the grid.</summary>
    void FillNoise(Span<double> destination);
}

/// <summary>
/// The scalar and vector releases shared by <see cref="LaplaceMechanism"/> and <see cref="GaussianMechanism"/>:
/// round_g(value) + noise, and destination[i] = round_g(values[i]) + noise_i.
/// </summary>
/// <remarks>
/// <para>Why an internal helper rather than a <c>GridMechanism</c> base class: the two mechanisms share this loop and
/// nothing else (their calibration, guarantees and constructors differ), and a public abstract base would add an
/// inheritance seam to the package's API for thirty lines of plumbing. The helper is generic over
/// <see cref="IGridNoise"/>, so the call is devirtualised and nothing is boxed.</para>
/// <para>Why a stack chunk rather than an <c>ArrayPool</c> buffer: noise is produced chunk by chunk anyway (the
/// samplers work in chunks of <see cref="LaplaceSampler.ChunkLength"/>), so a 4 KiB stack buffer removes the
/// per-call allocation with no rent/return and no lock; and noise must never outlive the call, because noise plus
/// the released output gives back the private value: an array returned to a shared pool would hand it to the next
/// renter. The chunk is cleared before returning.</para>
/// <para>Order of effects: every argument is checked first, then the budget is charged, then noise is drawn; so a
/// refused or invalid release draws no noise and spends nothing.</para>
/// </remarks>
internal static class GridRelease
{
    /// <summary>Releases one value: round_g(value) + noise, after the check and the spend.</summary>
    public static double Release<TMechanism>(TMechanism mechanism, double value, PrivacyBudget? budget)
        where TMechanism : IGridNoise
    {
        Guard.Finite(value);
        budget?.Spend(mechanism.Guarantee);
        Span<double> noise = stackalloc double[1];
        mechanism.FillNoise(noise);
        var released = mechanism.RoundToGrid(value) + noise[0];
        noise.Clear();
        return released;
    }

    public static void Release<TMechanism>(TMechanism mechanism, ReadOnlySpan<double> values, Span<double> destination, PrivacyBudget? budget)
        where TMechanism : IGridNoise
    {
        if (values.Length != destination.Length)
        {
            throw new ArgumentException($"must have the length of values ({values.Length}); got {destination.Length}.", nameof(destination));
        }

        if (values.Overlaps(destination, out var offset) && offset != 0)
        {
            throw new ArgumentException("must be the same span as values or not overlap it.", nameof(destination));
        }

        foreach (var v in values)
        {
            Guard.Finite(v, nameof(values));
        }

        budget?.Spend(mechanism.Guarantee);
        Span<double> noise = stackalloc double[LaplaceSampler.ChunkLength];
        for (var start = 0; start < values.Length; start += noise.Length)
        {
            var n = Math.Min(noise.Length, values.Length - start);
            var chunk = noise[..n];
            mechanism.FillNoise(chunk);
            for (var i = 0; i < n; i++)
            {
                destination[start + i] = mechanism.RoundToGrid(values[start + i]) + chunk[i];
            }
        }

        noise.Clear();
    }
}
