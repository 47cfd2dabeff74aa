using System.Text.RegularExpressions;

namespace LlmCore.Architecture.Tests;

/// <summary>
/// Issue 18, "house-keeping the planner": no type tests for internal fast paths. The engine and the planner may take a
/// shortcut only for a capability a policy declares (an internal interface that states what the shortcut relies on,
/// such as <c>IUsageAndSizeAdmission</c> or <c>IGroupedKeys</c>), never by asking whether a policy is one of the
/// built-in classes: a wrapped or custom policy with the same behaviour would then silently lose or wrongly get it.
/// Checked on the source of LlmCore.Scheduling: no <c>is</c>, <c>as</c>, <c>is not</c> or property-pattern test names a
/// built-in policy class.
/// </summary>
public partial class PolicyTypeTestTests
{
    // The built-in policy classes (internal; they are reached through the policy interfaces and their capabilities).
    private const string BuiltIn = "CohortQuotaAdmission|LeastLostWorkPreemption|BestFitTopologyPlacement|FifoOrdering|"
        + "PriorityAgingOrdering|ShortestJobFirstOrdering|ShortestRemainingTimeFirstOrdering|LeastAttainedServiceOrdering|"
        + "MultifactorOrdering|DominantResourceFairnessOrdering";

    [Fact]
    public void SchedulingSource_TestsNoPolicyForABuiltInClass()
    {
        var dir = Path.Combine(DependencyGraphTests.RepoRoot(), "src", "LlmCore.Scheduling");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories).Where(static f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (!code.StartsWith("//", StringComparison.Ordinal) && TypeTest().IsMatch(code))
                {
                    found.Add($"{Path.GetRelativePath(dir, file)}:{i + 1}: {code}");
                }
            }
        }

        Assert.True(found.Count == 0, "type tests for built-in policy classes:\n" + string.Join('\n', found));
    }

    [Theory]
    [InlineData("if (_policy.Admission is not CohortQuotaAdmission || x)", true)]
    [InlineData("var fast = policy.Placement is BestFitTopologyPlacement best;", true)]
    [InlineData("var p = policy.Preemption as LeastLostWorkPreemption;", true)]
    [InlineData("_ok = policy is { Preemption: LeastLostWorkPreemption };", true)]
    [InlineData("if (ordering is MultifactorOrdering)", true)]
    [InlineData("_ok = policy is { Preemption: ILostWorkVictimCost };", false)]
    [InlineData("return new SchedulingPolicy(ordering, CohortQuotaAdmission.Instance, BestFitTopologyPlacement.Instance);", false)]
    [InlineData("internal sealed class LeastLostWorkPreemption : ILostWorkVictimCost", false)]
    [InlineData("new(LeastLostWorkPreemption.Instance.VictimCost(job, now), job.Spec.Priority, job.Sequence);", false)]
    public void Pattern_FindsTypeTestsAndNothingElse(string line, bool isTypeTest) => Assert.Equal(isTypeTest, TypeTest().IsMatch(line));

    [GeneratedRegex(@"(\bis\s+(not\s+)?|\bas\s+|:\s*)(" + BuiltIn + @")\b(?!\.)")]
    private static partial Regex TypeTest();
}
