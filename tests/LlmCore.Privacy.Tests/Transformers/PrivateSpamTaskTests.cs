using LlmCore.Experiments.Recipes;
using LlmCore.Optimization.Tests.Text;
using LlmCore.Privacy.Sampling;
using Xunit.Abstractions;

namespace LlmCore.Privacy.Tests.Transformers;

/// <summary>
/// Issue 16's private spam task (<see cref="SpamTask"/>, the recipe behind docs/privacy.md's accuracy-against-ε table):
/// a one-block transformer classifier on the corpus's fixed split, without privacy and with DP-SGD at ε = 1, 3, 8.
/// Needs the SpamAssassin corpus (<c>bash scripts/data/fetch-spamassassin.sh</c>; CI fetches it).
/// </summary>
[Trait("Category", "Learning")]
[Collection(SpamAssassinCollection.Name)]
public class PrivateSpamTaskTests(SpamAssassinFixture corpus, ITestOutputHelper output)
{
    private static readonly double[] s_epsilons = [1, 3, 8];

    [Fact]
    public void SpamTask_DpSgd_AccuracyRisesWithEpsilon_AndIsCloseToNonPrivateAtEpsilon8()
    {
        var train = SpamTask.Dataset(corpus.Messages.Where(static m => !m.IsTest));
        var test = SpamTask.Dataset(corpus.Messages.Where(static m => m.IsTest));
        Assert.Equal(4_805, train.Count); // the fixed split (docs/optimization.md, "Corpora and licences")
        Assert.Equal(1_241, test.Count);
        var majority = corpus.Messages.Count(static m => m.IsTest && !m.IsSpam) / (double)test.Count;

        // Two seeds (model initialisation, Poisson sampling and noise). The noise is seeded so that the test is
        // deterministic; the documented figures use the secure source (the same distribution).
        int[] seeds = [1, 2];
        var nonPrivate = new List<double>();
        var accuracy = s_epsilons.Select(static _ => new List<double>()).ToArray();
        foreach (var seed in seeds)
        {
            nonPrivate.Add(SpamTask.TrainNonPrivate(train, test, seed));
            for (var e = 0; e < s_epsilons.Length; e++)
            {
                var run = SpamTask.TrainPrivate(train, test, seed, s_epsilons[e], new SeededRandomSource((ulong)seed));

                // The accountant's ε after the 200 steps is at most the target, and σ was calibrated to reach it
                // (Opacus' search tolerance 0.01), with δ = 1/N².
                Assert.Equal(SpamTask.PrivateSteps, run.Steps);
                Assert.Equal(1.0 / (4_805.0 * 4_805.0), run.Delta, 1e-20);
                Assert.InRange(run.Epsilon, s_epsilons[e] - 0.02, s_epsilons[e]);
                accuracy[e].Add(run.Accuracy);
            }
        }

        var means = accuracy.Select(static a => a.Average()).ToArray();
        output.WriteLine($"majority {majority:F4}; non-private {string.Join(", ", nonPrivate.Select(static a => a.ToString("F4")))} (mean {nonPrivate.Average():F4})");
        for (var e = 0; e < s_epsilons.Length; e++)
        {
            output.WriteLine($"ε = {s_epsilons[e]}: {string.Join(", ", accuracy[e].Select(static a => a.ToString("F4")))} (mean {means[e]:F4})");
        }

        // Measured (seeds 1–4, seeded noise; the test runs 1 and 2): majority class (ham) 0.6882; non-private 0.8743,
        // 0.8646, 0.8864, 0.8767; ε = 1: 0.7647, 0.7776, 0.7010, 0.7623; ε = 3: 0.8461, 0.8259, 0.8324, 0.8251;
        // ε = 8: 0.8630, 0.8622, 0.8606, 0.8646. Every seed is monotone in ε, with 1.7 points or more between ε = 3 and
        // 8 and 4.8 or more between 1 and 3. Asserted with margin: per seed, ε = 1 < ε = 3 < ε = 8; the mean at ε = 8
        // within 3 points of non-private; every private mean 5 points above the majority class. The 3→8 step
        // (3 points on the mean) is of the size Li et al. (2022) report between ε = 3 and 8 on SST-2 (about one point).
        for (var s = 0; s < seeds.Length; s++)
        {
            Assert.True(accuracy[0][s] < accuracy[1][s] && accuracy[1][s] < accuracy[2][s], $"seed {seeds[s]}: accuracy at ε = 1, 3, 8: {accuracy[0][s]:F4}, {accuracy[1][s]:F4}, {accuracy[2][s]:F4}");
        }

        Assert.True(means[2] >= nonPrivate.Average() - 0.03, $"ε = 8: {means[2]:F4} against non-private {nonPrivate.Average():F4}");
        Assert.True(means[0] > majority + 0.05, $"ε = 1: {means[0]:F4} against the majority class {majority:F4}");
    }
}
