namespace LlmCore.Commercialization.BusinessModels;

/// <summary>The business models an analysis compares.</summary>
/// <remarks>Implementations are immutable after construction and thread-safe.</remarks>
public interface IBusinessModelCatalog
{
    /// <summary>Gets every business model, in catalogue order.</summary>
    IReadOnlyList<BusinessModel> BusinessModels { get; }
}
