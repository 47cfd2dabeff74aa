namespace LlmCore.Optimization.Metrics;

/// <summary>Shape checks shared by the metrics.</summary>
internal static class MetricGuards
{
    public static void Check(int predictionLength, int targetLength, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (predictionLength == 0 || predictionLength % count != 0)
        {
            throw new ArgumentException($"Expected a positive multiple of {count} predictions; got {predictionLength}.", "predictions");
        }

        if (targetLength == 0 || targetLength % count != 0)
        {
            throw new ArgumentException($"Expected a positive multiple of {count} targets; got {targetLength}.", "targets");
        }
    }

    public static void CheckSameLength(int predictionLength, int targetLength, int count)
    {
        Check(predictionLength, targetLength, count);
        if (predictionLength != targetLength)
        {
            throw new ArgumentException($"Expected one target per prediction ({predictionLength}); got {targetLength}.", "targets");
        }
    }
}
