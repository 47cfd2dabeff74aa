namespace LlmCore.Privacy.Auditing;

/// <summary>The outcome of a one-run audit (Steinke, Nasr and Jagielski 2023).</summary>
/// <param name="EpsilonLowerBound">
/// The largest ε such that the hypothesis "the run is (ε, δ)-DP" is rejected at the stated confidence: a lower bound on
/// the true ε that holds with that confidence (0 when nothing was shown).
/// </param>
/// <param name="Canaries">m, the canaries in the plan.</param>
/// <param name="Guesses">r, the canaries guessed (the others abstained).</param>
/// <param name="CorrectGuesses">v, the guesses that matched the inclusion bit.</param>
/// <param name="PositiveGuesses">k₊, the canaries guessed "included" (the highest scores).</param>
/// <param name="NegativeGuesses">k₋, the canaries guessed "excluded" (the lowest scores).</param>
/// <param name="Delta">The δ of the tested hypothesis.</param>
/// <param name="Confidence">The confidence, e.g. 0.95.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record OneRunAuditResult(
    double EpsilonLowerBound,
    int Canaries,
    int Guesses,
    int CorrectGuesses,
    int PositiveGuesses,
    int NegativeGuesses,
    double Delta,
    double Confidence);
