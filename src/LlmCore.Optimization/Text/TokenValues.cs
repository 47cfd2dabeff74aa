using System.Numerics;

namespace LlmCore.Optimization.Text;

/// <summary>Checks that token ids travel exactly as values of a floating-point type.</summary>
internal static class TokenValues
{
    /// <summary>Throws when ids in [0, vocabularySize) are not all exactly representable in <typeparamref name="T"/>.</summary>
    public static void CheckVocabulary<T>(int vocabularySize, string parameterName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (vocabularySize < 1)
        {
            throw new ArgumentOutOfRangeException(parameterName, vocabularySize, "The vocabulary size must be ≥ 1.");
        }

        var largest = Exact<T>.LargestConsecutiveInteger;
        if (vocabularySize - 1 > largest)
        {
            throw new ArgumentException(
                $"A vocabulary of {vocabularySize:N0} ids cannot travel exactly as {typeof(T).Name} values, which hold every integer only up to {largest:N0}; use double.",
                parameterName);
        }
    }

    /// <summary>Checks every id of <paramref name="ids"/> is in [0, vocabularySize).</summary>
    public static void CheckIds(ReadOnlySpan<int> ids, int vocabularySize, string parameterName)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(parameterName, ids[i], $"Token ids must be in [0, {vocabularySize}); the id at position {i} is {ids[i]}.");
            }
        }
    }

    private static class Exact<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // 2^p for the type's precision p (2^24 for float, 2^53 for double): the last integer n with every integer
        // in [0, n] exact. Capped at int.MaxValue, which is all an int id needs.
        public static readonly long LargestConsecutiveInteger = Compute();

        private static long Compute()
        {
            long power = 1;
            for (var p = 1; p < 62; p++)
            {
                power *= 2;
                var x = T.CreateTruncating(power);
                if (x + T.One == x)
                {
                    return Math.Min(power, int.MaxValue);
                }
            }

            return int.MaxValue;
        }
    }
}
