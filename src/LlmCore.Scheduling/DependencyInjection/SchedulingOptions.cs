using System.ComponentModel.DataAnnotations;

namespace LlmCore.Scheduling.DependencyInjection;

/// <summary>
/// Options for the services that <c>AddLlmCoreScheduling</c> registers.
/// </summary>
/// <remarks>This type is mutable and not thread-safe; it is read once when the services are built.</remarks>
public sealed class SchedulingOptions
{
    /// <summary>Gets or sets the name of the scheduling policy (<c>fifo</c>, <c>priority</c>, <c>sjf</c>, <c>srtf</c>, <c>las</c>, <c>multifactor</c> or <c>drf</c>).</summary>
    /// <value>The default value is <c>fifo</c>.</value>
    [Required]
    [RegularExpression("^(fifo|priority|sjf|srtf|las|multifactor|drf)$")]
    public string Policy { get; set; } = "fifo";

    /// <summary>Gets or sets a value indicating whether EASY backfill is on.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Backfill { get; set; } = true;
}
