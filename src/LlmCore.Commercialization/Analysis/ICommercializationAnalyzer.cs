using LlmCore.Commercialization.Industries;

namespace LlmCore.Commercialization.Analysis;

/// <summary>Ranks and explains the business models for an industry, from unit economics at the cost of serving (the
/// cheapest deployment that meets the industry's latency expectation, or the cost model).</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface ICommercializationAnalyzer
{
    /// <summary>Analyses an industry of the catalogue.</summary>
    /// <param name="industry">The industry's name or alias (case-insensitive).</param>
    /// <param name="cancellationToken">Cancels the Monte Carlo work.</param>
    /// <returns>The ranked, explained analysis.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="industry"/> is <see langword="null"/>.</exception>
    /// <exception cref="UnknownIndustryException">The industry is not in the catalogue; the message lists the known ones.</exception>
    /// <exception cref="ArgumentException">A serving GPU of the options is not in the deployment search's catalogue.</exception>
    /// <exception cref="InvalidOperationException">The cost model returned a cost that is negative or not finite.</exception>
    /// <exception cref="OperationCanceledException">The analysis was cancelled.</exception>
    CommercializationAnalysis Analyze(string industry, CancellationToken cancellationToken = default);

    /// <summary>Analyses a given industry profile (which need not be in the catalogue).</summary>
    /// <param name="industry">The profile; it is validated.</param>
    /// <param name="cancellationToken">Cancels the Monte Carlo work.</param>
    /// <returns>The ranked, explained analysis.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="industry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The profile is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A figure of the profile is out of range (a negative price, ...).</exception>
    /// <exception cref="InvalidOperationException">The cost model returned a cost that is negative or not finite.</exception>
    /// <exception cref="OperationCanceledException">The analysis was cancelled.</exception>
    CommercializationAnalysis Analyze(Industry industry, CancellationToken cancellationToken = default);
}
