namespace LlmCore.Commercialization.Ranking;

/// <summary>Shared argument checks for the multi-criteria methods.</summary>
internal static class DecisionMatrixGuard
{
    /// <summary>Absolute tolerance on the sum of the weights.</summary>
    public const double WeightSumTolerance = 1e-6;

    public static (int Alternatives, int Criteria) Check(
        IReadOnlyList<IReadOnlyList<double>> decisionMatrix,
        IReadOnlyList<double> weights,
        IReadOnlyList<CriterionDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(decisionMatrix);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(directions);
        if (decisionMatrix.Count == 0)
        {
            throw new ArgumentException("The decision matrix needs at least one alternative (row).", nameof(decisionMatrix));
        }

        var criteria = weights.Count;
        if (criteria == 0)
        {
            throw new ArgumentException("At least one criterion (weight) is needed.", nameof(weights));
        }

        if (directions.Count != criteria)
        {
            throw new ArgumentException($"must have {criteria} directions, one per weight; got {directions.Count}.", nameof(directions));
        }

        CheckWeights(weights, nameof(weights));
        for (var i = 0; i < decisionMatrix.Count; i++)
        {
            var row = decisionMatrix[i] ?? throw new ArgumentException($"Row {i} is null.", nameof(decisionMatrix));
            if (row.Count != criteria)
            {
                throw new ArgumentException($"Row {i} has {row.Count} values; expected {criteria}, one per criterion.", nameof(decisionMatrix));
            }

            for (var j = 0; j < criteria; j++)
            {
                if (!double.IsFinite(row[j]))
                {
                    throw new ArgumentException($"Value [{i},{j}] must be finite; got {row[j]}.", nameof(decisionMatrix));
                }

                if (directions[j] == CriterionDirection.Cost && row[j] <= 0)
                {
                    throw new ArgumentException($"Value [{i},{j}] of a cost criterion must be > 0; got {row[j]}.", nameof(decisionMatrix));
                }
            }
        }

        return (decisionMatrix.Count, criteria);
    }

    /// <summary>Rejects weights that are negative, not finite, or do not sum to 1 within <see cref="WeightSumTolerance"/>.</summary>
    public static void CheckWeights(IReadOnlyList<double> weights, string paramName)
    {
        var sum = 0.0;
        for (var j = 0; j < weights.Count; j++)
        {
            if (!double.IsFinite(weights[j]) || weights[j] < 0)
            {
                throw new ArgumentOutOfRangeException(paramName, weights[j], $"Weight {j} must be finite and >= 0.");
            }

            sum += weights[j];
        }

        if (Math.Abs(sum - 1.0) > WeightSumTolerance)
        {
            throw new ArgumentException(
                $"The weights must sum to 1 (within {WeightSumTolerance}); they sum to {sum.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}. They are rejected, not normalised.",
                paramName);
        }
    }

    public static IReadOnlyList<int> RankDescending(IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = scores[b].CompareTo(scores[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }
}
