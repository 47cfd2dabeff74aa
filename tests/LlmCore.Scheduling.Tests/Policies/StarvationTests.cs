using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>Under aging and 2D-LAS every job eventually runs, even while an overload of favoured jobs keeps arriving.</summary>
public class StarvationTests
{
    // 1 GPU, overload 1.25: a favoured 50 s job every 40 s for 400 arrivals (16,000 s). Without the guard the victim
    // would wait for the whole stream; with it, it must start (again) long before the stream ends.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Las_StarvationGuard_LongJobRestartsDuringAnOverload(int seed)
    {
        var random = new Random(seed);
        var parameters = new PolicyParameters { LasThresholdsGpuSeconds = [100], LasStarvationFactor = 8 };
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 1), "las", parameters: parameters));
        sim.Arrive(0, new JobSpec("V", 1) { CheckpointInterval = TimeSpan.FromSeconds(10) }, 5000);
        for (var i = 0; i < 400; i++)
        {
            sim.Arrive(200 + (i * 40) + random.Next(0, 5), new JobSpec("S" + i, 1), 50);
        }

        sim.Run();

        Assert.True(sim.StartOf("V", 2) < 200 + (400 * 40), "V never restarted during the stream");
        Assert.Equal(JobState.Completed, sim.Engine.Jobs["V"].State);
    }

    [Fact]
    public void Las_WithoutGuard_LongJobWaitsForTheWholeStream()
    {
        var parameters = new PolicyParameters { LasThresholdsGpuSeconds = [100], LasStarvationFactor = 0 };
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 1), "las", parameters: parameters));
        sim.Arrive(0, new JobSpec("V", 1) { CheckpointInterval = TimeSpan.FromSeconds(10) }, 5000);
        for (var i = 0; i < 400; i++)
        {
            sim.Arrive(200 + (i * 40), new JobSpec("S" + i, 1), 50);
        }

        sim.Run();

        Assert.True(sim.StartOf("V", 2) >= 200 + (399 * 40), "the guard is what lets V run");
    }

    // Same overload with priorities: a low job behind a stream of normal 50 s jobs every 40 s (load 1.25). The normal
    // backlog ages too: at time t the oldest waiting normal job has waited about t − 40·t/50 = 0.2·t. With 10
    // points/hour L wins when 10·t/3600 > 100 + 10·0.2·t/3600, i.e. t > 45,000 s, long before the stream of 2,000
    // arrivals (80,000 s) ends; the first pass after that is at a completion (every 50 s).
    [Fact]
    public void PriorityAging_LowJobRunsDuringAnOverload()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 1), "priority", preemption: false));
        sim.Arrive(1, Job("L", 1, 10, PriorityClasses.Low));
        for (var i = 0; i < 2000; i++)
        {
            sim.Arrive(i * 40, Job("N" + i, 1, 50));
        }

        sim.Run();

        Assert.InRange(sim.StartOf("L"), 45_000, 45_100);
    }
}
