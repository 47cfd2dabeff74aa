using System.Numerics;

namespace LlmCore.Optimization.Data;

/// <summary>
/// A dataset whose examples are sequences of tokens (for example windows cut from a corpus, whose features are token
/// ids and whose targets are the next tokens), so that training throughput can be reported in tokens per second.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Implementations are thread-safe for reading, like every <see cref="IDataset{T}"/>.</remarks>
public interface ITokenDataset<T> : IDataset<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Gets the number of tokens one example trains on (the window length T of a next-token window).</summary>
    int TokensPerExample { get; }
}
