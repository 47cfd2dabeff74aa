using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Tests.Internal;

/// <summary>The in-register (AVX-512) transposing pack writes exactly what the element-by-element reference writes.</summary>
public class GemmPackingTests
{
    [Theory]
    [InlineData(12, 12, 0)]
    [InlineData(12, 12, 1)]
    [InlineData(12, 12, 7)]
    [InlineData(12, 12, 33)]
    [InlineData(5, 12, 257)]
    [InlineData(32, 32, 1025)]
    [InlineData(17, 32, 48)]
    [InlineData(1, 16, 31)]
    [InlineData(6, 6, 33)]
    [InlineData(3, 8, 100)]
    [InlineData(4, 4, 17)]
    public void Transpose_EqualsScalarReference(int rows, int width, int kc)
    {
        Check<float>(rows, width, kc);
        Check<double>(rows, width, kc);
    }

    private static void Check<T>(int rows, int width, int kc)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        const int Ld = 1040;
        var random = new Random((rows * 31) + kc);
        var source = new T[(rows * Ld) + kc];
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = T.CreateTruncating(random.NextDouble());
        }

        var expected = new T[(kc * width) + GemmPacking.Slack];
        var actual = new T[(kc * width) + GemmPacking.Slack];
        Array.Fill(expected, T.NaN);
        Array.Fill(actual, T.NaN);
        GemmPacking.Transpose<T>(source, Ld, rows, width, kc, expected, vectorized: false);
        GemmPacking.Transpose<T>(source, Ld, rows, width, kc, actual, vectorized: true);

        Assert.Equal(expected.AsSpan(0, kc * width).ToArray(), actual.AsSpan(0, kc * width).ToArray());
    }
}
