using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.Ranking;
using Microsoft.Extensions.Options;

namespace LlmCore.Commercialization.DependencyInjection;

/// <summary>
/// Every rule of <see cref="BusinessAnalysisOptions"/>: the attribute ranges (source-generated validator) and the
/// cross-field rules (weights, judgments, catalogue entries, serving settings), collected into one list. The analyzer
/// and the start-up validation both use it.
/// </summary>
internal sealed class BusinessAnalysisOptionsCustomValidator : IValidateOptions<BusinessAnalysisOptions>
{
    public ValidateOptionsResult Validate(string? name, BusinessAnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        foreach (var error in Collect(options))
        {
            builder.AddError(error);
        }

        return builder.Build();
    }

    /// <summary>Checks options and returns every problem found (empty when valid).</summary>
    /// <param name="options">The options.</param>
    /// <param name="includeConsistency">Whether inconsistent criteria judgments (CR ≥ 0.10) count as a problem; the
    /// analyzer checks them itself to throw <see cref="InconsistentJudgmentsException"/>.</param>
    internal static IReadOnlyList<string> Collect(BusinessAnalysisOptions options, bool includeConsistency = true)
    {
        var errors = new List<string>();
        var ranges = new BusinessAnalysisOptionsValidator().Validate(null, options);
        if (ranges.Failed && ranges.Failures is not null)
        {
            errors.AddRange(ranges.Failures);
        }

        if (string.IsNullOrWhiteSpace(options.ServingGpu))
        {
            errors.Add("ServingGpu must name a GPU.");
        }

        if (!Enum.IsDefined(options.ServingCost))
        {
            errors.Add($"ServingCost must be DeploymentSearch or CostModel; got {options.ServingCost}.");
        }

        if (options.DefaultLatencyExpectation is null)
        {
            errors.Add("DefaultLatencyExpectation must be set (p99 TTFT and TPOT in seconds).");
        }

        if (options.ServingGpus.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("ServingGpus must not contain blank names.");
        }

        CheckWeights(options, errors);
        CheckJudgments(options, includeConsistency, errors);
        CheckEntries(options.Industries, static i => i.Validate(), errors);
        CheckEntries(options.BusinessModels, static m => m.Validate(), errors);
        return errors;
    }

    private static void CheckWeights(BusinessAnalysisOptions options, List<string> errors)
    {
        if (options.CriteriaWeights is not { } weights)
        {
            return;
        }

        var names = CommercializationAnalyzer.CriterionNames;
        if (weights.Count != names.Count)
        {
            errors.Add($"CriteriaWeights must have {names.Count} entries ({string.Join(", ", names)}); got {weights.Count}.");
            return;
        }

        try
        {
            DecisionMatrixGuard.CheckWeights(weights, nameof(options.CriteriaWeights));
        }
        catch (ArgumentException ex)
        {
            errors.Add(ex.Message);
        }
    }

    private static void CheckJudgments(BusinessAnalysisOptions options, bool includeConsistency, List<string> errors)
    {
        if (options.CriteriaJudgments is not { } judgments)
        {
            return;
        }

        var n = CommercializationAnalyzer.CriterionNames.Count;
        if (judgments.Count != n)
        {
            errors.Add($"CriteriaJudgments must be {n}×{n}; got {judgments.Count} rows.");
            return;
        }

        try
        {
            var result = Ahp.Weigh(judgments);
            if (includeConsistency && !result.IsConsistent)
            {
                errors.Add(new InconsistentJudgmentsException(result.ConsistencyRatio).Message);
            }
        }
        catch (ArgumentException ex)
        {
            errors.Add(ex.Message);
        }
    }

    private static void CheckEntries<T>(IEnumerable<T> entries, Action<T> validate, List<string> errors)
        where T : class
    {
        foreach (var entry in entries)
        {
            try
            {
                ArgumentNullException.ThrowIfNull(entry);
                validate(entry);
            }
            catch (ArgumentException ex)
            {
                errors.Add(ex.Message);
            }
        }
    }
}
