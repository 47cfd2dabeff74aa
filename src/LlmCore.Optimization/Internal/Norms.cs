using System.Numerics;

namespace LlmCore.Optimization.Internal;

/// <summary>Norms accumulated in double whatever the element type.</summary>
internal static class Norms
{
    public static double SumOfSquares<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            var x = double.CreateTruncating(value);
            sum += x * x;
        }

        return sum;
    }

    public static double L2<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Math.Sqrt(SumOfSquares(values));

    public static double MaxAbs<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var max = 0.0;
        foreach (var value in values)
        {
            var x = Math.Abs(double.CreateTruncating(value));
            if (x > max || double.IsNaN(x))
            {
                max = x;
            }
        }

        return max;
    }
}
