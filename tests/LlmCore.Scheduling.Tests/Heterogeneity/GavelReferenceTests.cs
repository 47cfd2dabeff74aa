using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Heterogeneity;

/// <summary>The Gavel reference files of tests/reference/gavel (see its README): the shipped trace is what the generator
/// gives, and the throughputs are Gavel's (spot values from scheduler/simulation_throughputs.json, commit c4fa400).</summary>
public class GavelReferenceTests
{
    private static string File(string name) => Path.Combine(AppContext.BaseDirectory, "reference", "gavel", name);

    [Fact]
    public void Throughputs_AreGavelsIsolatedSingleGpuNumbers()
    {
        var m = ThroughputMatrix.Load(File("throughputs.json"));

        Assert.Equal(26, m.JobClasses.Count);
        Assert.Equal(["v100", "p100", "k80"], m.GpuTypes);

        // simulation_throughputs.json, ('ResNet-50 (batch size 64)', 1) and ('Recommendation (batch size 512)', 1), "null".
        Assert.Equal(4.395, m.Throughput("ResNet-50 (batch size 64)", "v100"), 3);
        Assert.Equal(0.619, m.Throughput("ResNet-50 (batch size 64)", "k80"), 3);
        Assert.Equal(32.859, m.Throughput("Recommendation (batch size 512)", "k80"), 3);
    }

    [Fact]
    public void ContinuousSingleTrace_IsTheGeneratorsOutput()
    {
        var m = ThroughputMatrix.Load(File("throughputs.json"));
        var trace = SyntheticWorkload.Generate(new SyntheticWorkloadOptions
        {
            Jobs = 3000,
            ArrivalsPerHour = 1,
            GpuMix = [new GpuCountWeight(1, 1.0)],
            Tenants = 1,
            Durations = DurationModel.PhillyBands,
            JobClasses = m.JobClasses,
            Seed = 1,
        });
        using var writer = new StringWriter();
        TraceWriter.Write(writer, trace);

        Assert.Equal(System.IO.File.ReadAllText(File("continuous-single.csv")).ReplaceLineEndings(), writer.ToString().ReplaceLineEndings());

        // Gavel's duration model: durations between 10^1.5 and 10^4 minutes, 80% below 10^3 minutes (the bands'
        // shares; the expected count 2,400 of 3,000 with a binomial σ of 22, so ±5σ).
        Assert.All(trace.Jobs, j => Assert.InRange(j.DurationSeconds, 60 * Math.Pow(10, 1.5) - 1, 60 * 1e4));
        Assert.InRange(trace.Jobs.Count(j => j.DurationSeconds < 60_000), 2400 - 110, 2400 + 110);
    }
}
