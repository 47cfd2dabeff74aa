namespace LlmCore.Commercialization.Costs;

/// <summary>Memory one GPU needs for a training layout, in bytes.</summary>
/// <param name="WeightsBytes">Model weights held by the GPU.</param>
/// <param name="GradientsBytes">Gradients held by the GPU.</param>
/// <param name="OptimizerStatesBytes">Optimizer states held by the GPU.</param>
/// <param name="ActivationsBytes">Activations stored for the backward pass.</param>
/// <param name="UsableMemoryBytes">The GPU memory the job may use.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record TrainingMemoryEstimate(double WeightsBytes, double GradientsBytes, double OptimizerStatesBytes, double ActivationsBytes, double UsableMemoryBytes)
{
    /// <summary>Gets the sum of weights, gradients, optimizer states and activations.</summary>
    public double TotalBytes => WeightsBytes + GradientsBytes + OptimizerStatesBytes + ActivationsBytes;

    /// <summary>Gets a value indicating whether <see cref="TotalBytes"/> fits in <see cref="UsableMemoryBytes"/>.</summary>
    public bool Fits => TotalBytes <= UsableMemoryBytes;
}
