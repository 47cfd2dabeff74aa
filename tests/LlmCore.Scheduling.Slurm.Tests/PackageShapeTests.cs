namespace LlmCore.Scheduling.Slurm.Tests;

public class PackageShapeTests
{
    [Fact]
    public void Assembly_DependsOnSchedulingOnly_AmongLlmCorePackages()
    {
        var llmCoreReferences = typeof(PackageShapeTests).Assembly.GetReferencedAssemblies()
            .Select(static a => a.Name)
            .Where(static n => n is not null && n.StartsWith("LlmCore.", StringComparison.Ordinal) && !n.EndsWith(".Tests", StringComparison.Ordinal))
            .ToArray();

        Assert.DoesNotContain("LlmCore.Privacy", llmCoreReferences);
    }
}
