namespace LlmCore.Optimization.Text;

/// <summary>The argument checks of the text datasets' <c>CopyExamples</c> and per-example getters.</summary>
internal static class DatasetGuard
{
    public static void Buffers(int examples, int featureLength, int featureCount, int targetLength, int targetCount)
    {
        if (featureLength != examples * featureCount)
        {
            throw new ArgumentException($"Expected {examples}×{featureCount} feature values; the buffer holds {featureLength}.", "features");
        }

        if (targetLength != examples * targetCount)
        {
            throw new ArgumentException($"Expected {examples}×{targetCount} target values; the buffer holds {targetLength}.", "targets");
        }
    }

    public static int Index(int index, int count, string name)
    {
        if ((uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(name, index, $"An example index must be in [0, {count}).");
        }

        return index;
    }
}
