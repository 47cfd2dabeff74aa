using LlmCore.Privacy.Guarantees;

namespace LlmCore.Privacy.Aggregations;

/// <summary>A released statistic and the guarantee it was released under.</summary>
/// <typeparam name="T">The type of the value.</typeparam>
/// <param name="Value">The noisy value.</param>
/// <param name="Guarantee">The privacy guarantee of this release.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record PrivateResult<T>(T Value, PrivacyGuarantee Guarantee);

/// <summary>A histogram over keys not known in advance, released with DP partition selection.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <param name="Counts">The noisy counts of the keys that passed the threshold.</param>
/// <param name="Threshold">The threshold τ a noisy count had to reach.</param>
/// <param name="Guarantee">The (ε, δ) guarantee; δ is what the partition selection costs.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record PrivateHistogram<TKey>(IReadOnlyDictionary<TKey, long> Counts, long Threshold, PrivacyGuarantee Guarantee)
    where TKey : notnull;
