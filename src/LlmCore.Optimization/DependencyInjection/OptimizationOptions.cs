using System.ComponentModel.DataAnnotations;

namespace LlmCore.Optimization.DependencyInjection;

/// <summary>
/// Options for the services that <c>AddLlmCoreOptimization</c> registers.
/// </summary>
/// <remarks>This type is mutable and not thread-safe; it is read once when the services are built.</remarks>
public sealed class OptimizationOptions
{
    /// <summary>Gets or sets the tensor length from which optimizer kernels split their work across cores.</summary>
    /// <value>The default value is 1,048,576 elements; the range is 1,024 to 1,073,741,824.</value>
    [Range(1024, 1 << 30)]
    public int ParallelThreshold { get; set; } = 1 << 20;
}
