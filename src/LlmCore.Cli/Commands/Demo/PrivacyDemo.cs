using System.Globalization;
using LlmCore.Privacy.Aggregations;
using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The privacy part of the demo: a private count and mean on built-in data, paid from one budget.</summary>
internal static class PrivacyDemo
{
    public static DemoSection Run(Infrastructure.CliContext context)
    {
        // Built-in data: 2,000 users, 1 to 4 sessions each, session length in minutes (deterministic).
        var records = new List<(int User, double Minutes)>();
        for (var user = 0; user < 2000; user++)
        {
            var sessions = 1 + (user % 4);
            for (var s = 0; s < sessions; s++)
            {
                records.Add((user, 5 + ((user * 37 + s * 11) % 55)));
            }
        }

        var trueUsers = records.Select(static r => r.User).Distinct().Count();
        var trueMean = records.GroupBy(static r => r.User).Select(static g => g.First().Minutes).Average();
        var budget = new PrivacyBudget(epsilonLimit: 1.0);
        var aggregations = new BoundedAggregations(SecureRandomSource.Instance);
        var count = aggregations.Count(records.Select(static r => r.User), 0.5, maxContributionsPerUser: 1, budget: budget);
        var mean = aggregations.Mean(records.Select(static r => (r.User, r.Minutes)), 0.5, 0, 60, maxContributionsPerUser: 1, budget: budget);
        string refused;
        try
        {
            aggregations.Count(records.Select(static r => r.User), 0.1, budget: budget);
            refused = "accepted (unexpected)";
        }
        catch (PrivacyBudgetExceededException)
        {
            refused = "refused before any noise was drawn";
        }

        var sigma = GaussianCalibration.AnalyticSigma(1, 1e-6, 1);
        return new DemoSection("LlmCore.Privacy", [
            new("users (true / private, ε = 0.5)", string.Create(CultureInfo.InvariantCulture, $"{trueUsers} / {count.Value}")),
            new("mean first-session minutes (true / private, ε = 0.5)", string.Create(CultureInfo.InvariantCulture, $"{trueMean:F2} / {mean.Value:F2}")),
            new("budget spent", string.Create(CultureInfo.InvariantCulture, $"ε {budget.EpsilonSpent:G3} of {budget.EpsilonLimit:G3}")),
            new("a third query (ε = 0.1)", refused),
            new("analytic Gaussian σ for (1, 1e-6), Δ = 1", sigma.ToString("F4", CultureInfo.InvariantCulture)),
            new("guarantee of the mean", mean.Guarantee.ToString()),
        ]);
    }
}
