using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Simulation;

public class PhillyPolicyOrderTests
{
    [Fact]
    public void Run_PhillyOctoberSliceOnContendedCluster_SjfSrtfLasBeatFifo()
    {
        // Published order on Philly (Helios artifact, Hu et al. SC'21: FIFO 86,072 s > SJF 34,272 s > SRTF 30,683 s
        // average JCT; Tiresias, Gu et al. NSDI'19: LAS well below FIFO). Trace: Jeon et al. ATC'19 via the Pollux
        // artifact (CC BY 4.0). The first 2,000 October jobs on 8 nodes × 8 GPUs are heavily contended.
        var trace = TraceReader.ReadFile(Path.Combine(AppContext.BaseDirectory, "reference", "traces", "philly_2017-10.csv")).Take(2000);
        var cluster = Cluster.Uniform(8, 8);
        Assert.True(trace.OfferedLoad(cluster.TotalGpus) > 1);
        double Jct(string policy) => new Simulator(cluster, SchedulingPolicy.Create(policy, backfill: false, preemption: true)).Run(trace).Metrics.AvgJctSeconds;
        var fifo = Jct("fifo");
        Assert.True(Jct("sjf") < fifo);
        Assert.True(Jct("srtf") < fifo);
        Assert.True(Jct("las") < fifo);
    }
}
