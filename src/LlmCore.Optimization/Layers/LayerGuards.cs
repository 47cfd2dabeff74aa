namespace LlmCore.Optimization.Layers;

/// <summary>Shape checks shared by the layers.</summary>
internal static class LayerGuards
{
    public static void CheckForward(int inputLength, int outputLength, int batchSize, int inputSize, int outputSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        CheckLength(inputLength, batchSize, inputSize, "input");
        CheckLength(outputLength, batchSize, outputSize, "output");
    }

    public static void CheckBackward(int inputLength, int outputLength, int outputGradientLength, int inputGradientLength, int batchSize, int inputSize, int outputSize)
    {
        CheckForward(inputLength, outputLength, batchSize, inputSize, outputSize);
        CheckLength(outputGradientLength, batchSize, outputSize, "outputGradient");
        if (inputGradientLength != 0)
        {
            CheckLength(inputGradientLength, batchSize, inputSize, "inputGradient");
        }
    }

    private static void CheckLength(int length, int batchSize, int width, string name)
    {
        if (length != batchSize * width)
        {
            throw new ArgumentException($"Expected {batchSize}×{width} = {batchSize * width} values; got {length}.", name);
        }
    }
}
