namespace LlmCore.Optimization.Training;

/// <summary>
/// Chooses the examples of each optimizer step of <see cref="Trainer{T}"/>: an endless stream of batches (lists of
/// example indices), organised in passes over the data.
/// </summary>
/// <remarks>
/// <para>
/// The default, when <see cref="FitOptions.BatchSampler"/> is <see langword="null"/>, takes fixed-size batches of
/// <see cref="FitOptions.BatchSize"/> examples from a seeded permutation of the data, reshuffled for every pass
/// (Keras' and PyTorch's <c>shuffle=True</c>). DP-SGD plugs in Poisson sampling (LlmCore.Privacy's
/// <c>PoissonBatchSampler</c>), whose batches have a random size and may be empty. <see cref="Scheme"/> says which
/// kind a sampler is, because privacy accounting depends on it.
/// </para>
/// <para>
/// A sampler is a <see cref="ICheckpointParticipant"/>: its position (and for seeded shuffling, enough to regenerate
/// its permutation) is part of every checkpoint, so that a run resumed mid-epoch draws the same batches as an
/// uninterrupted one.
/// </para>
/// <para>Implementations are driven by one training loop at a time and need not be thread-safe.</para>
/// </remarks>
public interface IBatchSampler : ICheckpointParticipant
{
    /// <summary>Gets how the batches are sampled.</summary>
    BatchSamplingScheme Scheme { get; }

    /// <summary>Gets the number of examples N the indices are drawn from.</summary>
    int DatasetSize { get; }

    /// <summary>Gets the expected number of examples in a batch (B for fixed-size batches, q·N for Poisson sampling).</summary>
    double ExpectedBatchSize { get; }

    /// <summary>Gets the probability that a given example is in a given batch (B/N, or q).</summary>
    double SampleRate { get; }

    /// <summary>Starts over from the first batch of the first pass (a new run; the trainer calls it unless it resumes).</summary>
    void Reset();

    /// <summary>Overwrites <paramref name="destination"/> with the example indices of the next batch.</summary>
    /// <param name="destination">The list to clear and fill; it may end up empty when the scheme allows empty batches.</param>
    /// <returns><see langword="true"/> when this batch is the last of a pass over the data (an epoch ends after it).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    bool Next(List<int> destination);
}

/// <summary>How an <see cref="IBatchSampler"/> draws its batches (what a privacy accountant needs to know).</summary>
public enum BatchSamplingScheme
{
    /// <summary>Fixed-size batches of consecutive examples, in dataset order, every pass the same (no randomness).</summary>
    InOrder,

    /// <summary>Fixed-size batches of a seeded random permutation drawn anew for every pass: sampling without replacement within a pass.</summary>
    Shuffled,

    /// <summary>Every example joins each batch independently with probability q (batches of random size, possibly empty): the sampling DP-SGD's accounting assumes.</summary>
    Poisson,
}
