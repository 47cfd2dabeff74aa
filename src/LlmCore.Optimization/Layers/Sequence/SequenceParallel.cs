using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>
/// The one place where the sequence layers fan work out across cores (attention over batch × heads, per-sequence
/// norms, row-wise normalisation, element-wise activations). Element-wise work below <see cref="Threshold"/>
/// elements runs on the calling thread.
/// </summary>
/// <remarks>Thread-safe (no state).</remarks>
internal static class SequenceParallel
{
    /// <summary>Elements of element-wise work from which it is split across cores.</summary>
    public const int Threshold = 1 << 15;

    /// <summary>Gets the number of independent scratch slots a round of per-example work may use.</summary>
    public static int Workers => Math.Max(1, Environment.ProcessorCount);

    /// <summary>Runs <c>body.Invoke(i)</c> for every i in [0, <paramref name="count"/>).</summary>
    /// <remarks>
    /// Runs on <see cref="ParallelWork"/> (the calling thread and persistent workers, no allocation); a call from inside
    /// another parallel body runs inline. Each index must write only memory no other index writes and compute the
    /// same thing whichever thread runs it, so results never depend on scheduling.
    /// </remarks>
    public static void For<TBody>(int count, in TBody body)
        where TBody : struct, IParallelBody
    {
        if (count == 1)
        {
            body.Invoke(0);
            return;
        }

        ParallelWork.For(count, body);
    }

    /// <summary>Splits [0, <paramref name="total"/>) into chunks of about <paramref name="chunk"/> and returns the chunk count (1 below the threshold).</summary>
    public static int Chunks(long total, int chunk) => total < Threshold ? 1 : (int)Math.Min(int.MaxValue, (total + chunk - 1) / chunk);
}
