using CsCheck;
using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Performance;

/// <summary>
/// The engine's <see cref="VictimIndex"/> (running preemptible jobs in groups of equal GPUs and restart cost, and with
/// checkpoints equal interval and run restart cost, read newest start first or by checkpoint phase) must give the same
/// victims in the same order as costing and sorting every running job by the pass's victim key (least lost work, then
/// lower priority, then newest submission), ties and floating-point phase boundaries included, and whole preemptive
/// simulations must make the same decisions with the index as with the full scan it replaces.
/// </summary>
public class VictimIndexTests
{
    private static readonly DateTimeOffset Origin = DateTimeOffset.UnixEpoch;

    /// <summary>Random running sets without checkpoints (sizes 1–8 GPUs, restart costs 0 / 30 s, two priorities, starts
    /// on a coarse grid so that many tie, some removed again): at a random later instant the index reads exactly the full
    /// sort of its jobs.</summary>
    [Fact]
    public void InVictimOrder_WithoutCheckpoints_EqualsTheFullVictimOrder()
    {
        var gen =
            from count in Gen.Int[0, 60]
            from seed in Gen.Int[0, int.MaxValue]
            from later in Gen.Int[0, 100_000]
            select (count, seed, later);
        gen.Sample(c => CheckPlain(c.count, c.seed, c.later), iter: 200, seed: "0N0XIzNsQ0O2");
    }

    /// <summary>
    /// Random running sets with checkpoints: several intervals (10 min, 1 min, 7 s, and 600,000,001 ticks, which is not a
    /// whole number of seconds), spec restart costs 0 / 30 / 60 s, first runs (no restart paid) and restarted runs, sizes
    /// 1–8 GPUs, two priorities; starts on a grid of a second or of the interval (so that starts tie and phases coincide),
    /// some a tick off; <c>now</c> either random or exactly on some job's phase boundary (start + r + k·c, ± 1 tick), or
    /// inside some job's restart; elapsed times up to 60 years, where the rounding of the full scan's
    /// <c>floor((E − r) / c)</c> takes the neighbouring period for jobs near a boundary; a random filter. The index reads
    /// exactly the full sort by (cost as <c>LeastLostWorkPreemption</c> computes it, priority, newest) of the accepted
    /// jobs, and the sample must contain jobs whose floor took the other period (else the boundaries were not tested).
    /// </summary>
    [Fact]
    public void InVictimOrder_WithCheckpoints_EqualsTheFullVictimOrder()
    {
        var flipped = 0;
        var gen =
            from count in Gen.Int[0, 80]
            from seed in Gen.Int[0, int.MaxValue]
            from scale in Gen.Int[0, 3]
            select (count, seed, scale);
        gen.Sample(c => flipped += CheckCheckpointed(c.count, c.seed, c.scale), iter: 400, seed: "1Hq2uT9xM3Zk");
        Assert.True(flipped > 0, "no job had its floor take the neighbouring period: the boundaries were not exercised");
    }

    /// <summary>
    /// By hand: checkpoint interval c = 600 s, restart cost r = 60 s (spec and run: all three are restarted runs), one GPU
    /// each, equal priority; now = epoch + 2000 s. Lost work = elapsed while in the restart, else r + ((elapsed − r) mod c):
    /// A started 30 s ago: still in its restart, lost 30 s, cost 1 × (30 + 60) = 90.
    /// B started 1290 s ago: 1230 s past its restart = 2 × 600 + 30, lost 60 + 30 = 90 s, cost 150.
    /// C started 700 s ago: 640 s past its restart = 600 + 40, lost 60 + 40 = 100 s, cost 160.
    /// Victim order A, B, C, although C started after B (newest start first would give A, C, B). In phase terms
    /// ((start + r) mod c, with the epoch a multiple of 600 s): q = 2000 mod 600 = 200; B's phase is (710 + 60) mod 600 =
    /// 170, C's (1300 + 60) mod 600 = 160; read from q downwards: B (d = 30) before C (d = 40).
    /// </summary>
    [Fact]
    public void InVictimOrder_ThreeJobsByHand_RotatesByPhase()
    {
        var (index, a, b, c) = ThreeJobsByHand();
        var now = Origin.AddSeconds(2000);

        Assert.Equal(90, LeastLostWorkPreemption.Instance.VictimCost(a, now));
        Assert.Equal(150, LeastLostWorkPreemption.Instance.VictimCost(b, now));
        Assert.Equal(160, LeastLostWorkPreemption.Instance.VictimCost(c, now));
        Assert.Equal(new[] { a, b, c }, index.InVictimOrder(now, _ => true));
        Assert.Equal(new[] { b, c }, index.InVictimOrder(now, j => j != a));
    }

    /// <summary>
    /// A phase boundary where the floating-point floor takes the next period: c = 600 s, r = 60 s, a job X whose elapsed
    /// time is r + 1,501,200 · c − 1 tick (28.6 years; one tick before its checkpoint, so exactly it loses r + c − 1 tick,
    /// the most a job can). At that size elapsed/10⁷ is rounded to the nearest 2⁻²³ s (about 1.2 ticks), so the full
    /// scan's <c>floor((E − r) / c)</c> counts 1,501,200 periods and gives X a lost work of about r (found by enumerating
    /// k with <c>Math.Floor</c>, as <see cref="Job.SavedSeconds"/> computes it). Y loses r + 300 s. The full scan takes X
    /// first; the index must too, although X's phase puts it last.
    /// </summary>
    [Fact]
    public void InVictimOrder_FloorTakesTheNextPeriod_FollowsTheFullScan()
    {
        const long period = 600 * TimeSpan.TicksPerSecond;
        const long restart = 60 * TimeSpan.TicksPerSecond;
        var now = Origin.AddTicks(restart + (1_501_200 * period));
        var x = Running(Spec("x", 1, 60, TimeSpan.FromTicks(period)), 1, 0, runRestartSeconds: 60);
        x.RunStartedAt = Origin.AddTicks(1);
        var y = Running(Spec("y", 1, 60, TimeSpan.FromTicks(period)), 2, 0, runRestartSeconds: 60);
        y.RunStartedAt = now.AddTicks(-(restart + (7 * period) + (300 * TimeSpan.TicksPerSecond)));
        var index = new VictimIndex();
        index.Add(x);
        index.Add(y);

        var lostX = x.SecondsSinceCheckpoint(now);
        Assert.True(lostX < 61, $"the floor no longer takes the next period here ({lostX} s): pick another k");
        Assert.Equal(360, y.SecondsSinceCheckpoint(now), 6);
        Assert.Equal(new[] { x, y }, index.InVictimOrder(now, _ => true));
    }

    /// <summary>
    /// The anchor floor (SRTF's line: a running job whose anchor is below it ranks before the preemptor): random sets of
    /// up to 300 jobs, with and without checkpoints (intervals 10 min and 7 s), anchors random in [0, 100) or NaN, −∞, +∞,
    /// a floor of −∞, +∞, NaN or random in [0, 100), jobs removed and some added again (the trees' removal and
    /// re-insertion), a random filter. The reading must equal the full sort of the jobs whose anchor is not below the
    /// floor and that the filter accepts (a NaN anchor is never below, a NaN floor passes over nothing: the planner's
    /// <c>!(anchor &lt; floor)</c>), and must never call the filter on a job below the floor.
    /// </summary>
    [Fact]
    public void InVictimOrder_AnchorFloor_EqualsTheFullOrderOfTheJobsAboveIt()
    {
        var gen =
            from count in Gen.Int[0, 300]
            from seed in Gen.Int[0, int.MaxValue]
            select (count, seed);
        gen.Sample(c => CheckAnchored(c.count, c.seed), iter: 150, seed: "2Anch0rFl00r");
    }

    /// <summary>
    /// By hand, the three jobs of <see cref="InVictimOrder_ThreeJobsByHand_RotatesByPhase"/> (costs A 90, B 150, C 160)
    /// with anchors A 10, B 5, C 20 and the floor 8: B is below the floor, so the reading gives A then C and never asks
    /// the filter about B; with the floor at 10 (A's anchor exactly: not below) the same; at 10.5 only C; at +∞ none.
    /// </summary>
    [Fact]
    public void InVictimOrder_ThreeJobsWithAnchors_PassesOverTheOneBelowTheFloor()
    {
        var (index, a, b, c) = ThreeJobsByHand(anchors: (10, 5, 20));
        var now = Origin.AddSeconds(2000);
        var asked = new List<Job>();

        Assert.Equal(new[] { a, c }, index.InVictimOrder(now, j => { asked.Add(j); return true; }, 8).ToList());
        Assert.DoesNotContain(b, asked);
        Assert.Equal(new[] { a, c }, index.InVictimOrder(now, _ => true, 10));
        Assert.Equal(new[] { c }, index.InVictimOrder(now, _ => true, 10.5));
        Assert.Empty(index.InVictimOrder(now, _ => true, double.PositiveInfinity));
        Assert.Equal(new[] { a, b, c }, index.InVictimOrder(now, _ => true));
    }

    /// <summary>One group of 2,000 one-GPU jobs without checkpoints, anchors 0 … 1999 in a shuffled order: with the floor
    /// at 1998.5 the filter is asked about exactly the one job above it, and the reading gives it alone.</summary>
    [Fact]
    public void InVictimOrder_AllButOneBelowTheFloor_AsksTheFilterOnce()
    {
        var index = new VictimIndex();
        var random = new Random(7);
        var anchors = Enumerable.Range(0, 2000).OrderBy(_ => random.Next()).ToList();
        Job? top = null;
        for (var i = 0; i < anchors.Count; i++)
        {
            var job = Running(Spec("j" + i, 1, 0, null), i, random.Next(1000));
            job.RunningKeyAnchor = anchors[i];
            index.Add(job);
            top = anchors[i] == 1999 ? job : top;
        }

        var asked = 0;
        Assert.Equal(new[] { top! }, index.InVictimOrder(Origin.AddSeconds(5000), _ => { asked++; return true; }, 1998.5));
        Assert.Equal(1, asked);
    }

    /// <summary>
    /// By hand, service anchors (2D-LAS: GPU-seconds), no checkpoints, no restart cost, now = epoch + 2000 s:
    /// P, 2 GPUs, 1,000 GPU-s before this run, started at 1,900 s: service 1,000 + 2 × 100 = 1,200, cost 2 × 100 = 200.
    /// Q, 4 GPUs, none before, started at 1,800 s: service 800, cost 800.
    /// R, 1 GPU, 3,000 before, started at 1,990 s: service 3,010, cost 10.
    /// Victim order R, P, Q. With the floor at 1,200 (P's service exactly: reached) the reading gives R, P and never asks
    /// the filter about Q; at 1,200.001 P falls short by 0.0005 s of its run, far above the index's margin (about 3.5 µs
    /// here), so only R, and neither P nor Q is asked about; at −∞ all three; at +∞ none, nobody asked.
    /// </summary>
    [Fact]
    public void InVictimOrder_ServiceFloor_ThreeJobsByHand()
    {
        var index = new VictimIndex(VictimAnchors.GpuSeconds);
        var p = Running(Spec("p", 2, 0, null), 1, 1900, attainedBefore: 1000);
        var q = Running(Spec("q", 4, 0, null), 2, 1800);
        var r = Running(Spec("r", 1, 0, null), 3, 1990, attainedBefore: 3000);
        index.Add(p);
        index.Add(q);
        index.Add(r);
        var now = Origin.AddSeconds(2000);
        Assert.Equal(1200, p.AttainedGpuSeconds(now));
        Assert.Equal(800, q.AttainedGpuSeconds(now));
        Assert.Equal(3010, r.AttainedGpuSeconds(now));

        List<Job> Read(double floor, List<Job> asked) =>
            [.. index.InVictimOrder(now, j => { asked.Add(j); return j.AttainedGpuSeconds(now) >= floor; }, floor)];

        var asked = new List<Job>();
        Assert.Equal(new[] { r, p }, Read(1200, asked));
        Assert.DoesNotContain(q, asked);
        asked.Clear();
        Assert.Equal(new[] { r }, Read(1200.001, asked));
        Assert.Equal(new[] { r }, asked);
        asked.Clear();
        Assert.Equal(new[] { r, p, q }, Read(double.NegativeInfinity, asked));
        asked.Clear();
        Assert.Empty(Read(double.PositiveInfinity, asked));
        Assert.Empty(asked);
    }

    /// <summary>
    /// Service anchors: random sets of up to 200 running jobs (1–8 GPUs, with and without checkpoints, service before the
    /// run 0, random or exactly a round threshold, speeds 0.2–2.5 counted only in normalised GPU-seconds), jobs removed
    /// and some added again as a new run (later start, more service before it), in GPU-seconds and normalised mode; a
    /// floor of −∞, +∞, a random one, or exactly some job's service now (as the ordering computes it) or the next double
    /// above it. With the planner's filter (service now ≥ floor, and a random one) the reading must equal the full sort
    /// of the accepted jobs, and the filter must never be asked about a job whose service is below the floor by more
    /// than a GPU-second (the index passes those over).
    /// </summary>
    [Fact]
    public void InVictimOrder_ServiceFloor_EqualsTheFullOrderOfTheJobsThatReachedIt()
    {
        var gen =
            from count in Gen.Int[0, 200]
            from seed in Gen.Int[0, int.MaxValue]
            from normalized in Gen.Bool
            select (count, seed, normalized);
        gen.Sample(c => CheckService(c.count, c.seed, c.normalized), iter: 200, seed: "5erv1ceFl00r");
    }

    [Fact]
    public void Complete_FollowsRunRestartCostsInWholeTicks()
    {
        var index = new VictimIndex();
        var plain = Running(Spec("a", 1, 0, null), 1, 10);
        var checkpointed = Running(Spec("b", 1, 30, TimeSpan.FromMinutes(10)), 2, 10, runRestartSeconds: 30);
        var odd = Running(Spec("c", 1, 0, TimeSpan.FromMinutes(10)), 3, 10, runRestartSeconds: 1e-8);
        index.Add(plain);
        index.Add(checkpointed);
        Assert.True(index.Complete);
        Assert.Equal(2, index.Count);
        index.Add(odd);
        Assert.False(index.Complete);
        Assert.Equal(2, index.Count);
        index.Remove(odd);
        Assert.True(index.Complete);
        index.Remove(checkpointed);
        index.Remove(plain);
        Assert.Equal(0, index.Count);
        Assert.Empty(index.InVictimOrder(Origin.AddSeconds(20), _ => true));
    }

    /// <summary>SRTF and LAS without checkpoints, with the simulator's default 10-minute checkpoints, and with 1-minute
    /// ones, contended traces (offered load 3 on 4 × 8 GPUs), mixed priorities, non-preemptible jobs, restart costs,
    /// backfill on and off: segment for segment the same as with a victim cost wrapped so that the engine keeps no index
    /// (the full scan of every running job), both with the planner's head start for the direct listing (the default) and
    /// with the index opened at once (<see cref="PassPlanner.OpenIndexAtOnce"/>, set on this thread only).</summary>
    [Theory]
    [InlineData("srtf", 1, false, 0)]
    [InlineData("srtf", 2, true, 0)]
    [InlineData("las", 3, false, 0)]
    [InlineData("las", 4, true, 0)]
    [InlineData("srtf", 5, false, 10)]
    [InlineData("srtf", 6, true, 10)]
    [InlineData("las", 7, false, 10)]
    [InlineData("las", 11, true, 10)]
    [InlineData("srtf", 9, false, 1)]
    [InlineData("las", 10, false, 1)]
    public void Simulate_WithAndWithoutTheIndex_SameSegments(string policy, int seed, bool backfill, int checkpointMinutes)
    {
        var generated = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 600, LoadFactor = 3, Seed = seed, Tenants = 3 });
        var random = new Random(seed);
        var trace = new Trace(generated.Jobs.Select(j => j with
        {
            Spec = j.Spec with { Priority = random.Next(4) == 0 ? 100 : 0, Preemptible = random.Next(10) != 0 },
        }));
        var options = new SimulationOptions
        {
            RuntimeEstimates = seed % 4 == 2 ? RuntimeEstimateMode.Noisy : RuntimeEstimateMode.Perfect,
            Seed = seed,
            CheckpointInterval = checkpointMinutes == 0 ? null : TimeSpan.FromMinutes(checkpointMinutes),
            RestartCost = TimeSpan.FromSeconds(seed % 4 * 15),
        };
        var cluster = Cluster.Uniform(4, 8);
        var indexed = SchedulingPolicy.Create(policy, backfill, preemption: true);
        var scanned = indexed with { Preemption = new WrappedCost(indexed.Preemption) };

        var fast = new Simulator(cluster, indexed, options).Run(trace);
        PassPlanner.OpenIndexAtOnce = true;
        try
        {
            // Indexed from the first running job (by default the index opens only above 16 running jobs and closes below 8).
            var atOnce = new Simulator(cluster, indexed, options).Run(trace);
            var reference = new Simulator(cluster, scanned, options).Run(trace);

            Assert.True(reference.Metrics.Preemptions > 50, $"the trace must contend: {reference.Metrics.Preemptions} preemptions");
            TestSim.AssertSameSchedule(reference, fast);
            TestSim.AssertSameSchedule(reference, atOnce);
        }
        finally
        {
            PassPlanner.OpenIndexAtOnce = false;
        }
    }

    /// <summary>Heterogeneity-aware LAS (service in normalised GPU-seconds, the index's normalised anchors) on a cluster of
    /// V100 and K80 nodes with two job classes (one 5× faster on a V100, one alike on both), thresholds low enough that
    /// jobs change queue often, with and without checkpoints: segment for segment the same as the full scan, the index
    /// opened at once.</summary>
    [Theory]
    [InlineData(21, 0)]
    [InlineData(22, 10)]
    public void Simulate_HeterogeneityAwareLas_WithAndWithoutTheIndex_SameSegments(int seed, int checkpointMinutes)
    {
        var generated = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 500, LoadFactor = 3, Seed = seed, Tenants = 2 });
        var random = new Random(seed);
        var trace = new Trace(generated.Jobs.Select(j => j with { Spec = j.Spec with { JobClass = random.Next(2) == 0 ? "A" : "B" } }));
        var options = new SimulationOptions
        {
            Seed = seed,
            CheckpointInterval = checkpointMinutes == 0 ? null : TimeSpan.FromMinutes(checkpointMinutes),
            RestartCost = TimeSpan.FromSeconds(30),
        };
        var cluster = new Cluster([.. Enumerable.Range(0, 4).Select(i => new NodeSpec("n" + i, 8, i % 2 == 0 ? "v100" : "k80"))]);
        var parameters = new PolicyParameters { LasThresholdsGpuSeconds = [600, 6000] };
        var indexed = SchedulingPolicy.Create("las", parameters, backfill: true, preemption: true) with
        {
            HeterogeneityAware = true,
            Throughputs = ThroughputMatrix.Parse("""
                { "referenceGpuType": "v100", "gpuTypes": ["v100", "k80"],
                  "classes": { "A": { "v100": 10, "k80": 2 }, "B": { "v100": 4, "k80": 4 } } }
                """),
        };
        var scanned = indexed with { Preemption = new WrappedCost(indexed.Preemption) };

        PassPlanner.OpenIndexAtOnce = true;
        try
        {
            var fast = new Simulator(cluster, indexed, options).Run(trace);
            var reference = new Simulator(cluster, scanned, options).Run(trace);

            Assert.True(reference.Metrics.Preemptions > 50, $"the trace must contend: {reference.Metrics.Preemptions} preemptions");
            TestSim.AssertSameSchedule(reference, fast);
        }
        finally
        {
            PassPlanner.OpenIndexAtOnce = false;
        }
    }

    private static void CheckPlain(int count, int seed, int later)
    {
        var random = new Random(seed);
        var index = new VictimIndex();
        var jobs = new List<Job>();
        var latest = Origin;
        for (var i = 0; i < count; i++)
        {
            var spec = Spec("j" + i, 1 << random.Next(4), random.Next(2) * 30, null) with { Priority = random.Next(2) * 100 };
            var job = Running(spec, i, random.Next(50) * 60);
            index.Add(job);
            jobs.Add(job);
            latest = job.RunStartedAt!.Value > latest ? job.RunStartedAt.Value : latest;
        }

        foreach (var gone in jobs.Where(_ => random.Next(5) == 0).ToList())
        {
            index.Remove(gone);
            jobs.Remove(gone);
        }

        var now = latest.AddSeconds(later);
        Assert.True(index.Complete);
        Assert.Equal(jobs.Count, index.Count);
        Assert.Equal(FullSort(jobs, now), index.InVictimOrder(now, _ => true));
    }

    /// <summary>One random checkpointed running set (see the test); returns how many jobs' floating-point lost work is in
    /// another period than the exact tick arithmetic puts it.</summary>
    private static int CheckCheckpointed(int count, int seed, int scale)
    {
        var random = new Random(seed);
        TimeSpan[] intervals = [TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(7), TimeSpan.FromTicks(600_000_001)];
        var interval = intervals[random.Next(intervals.Length)];
        var grid = random.Next(2) == 0 ? TimeSpan.TicksPerSecond : interval.Ticks;
        var index = new VictimIndex();
        var jobs = new List<Job>();
        for (var i = 0; i < count; i++)
        {
            var restart = random.Next(3) * 30;
            var checkpoint = random.Next(10) == 0 ? (TimeSpan?)null : random.Next(4) == 0 ? intervals[random.Next(intervals.Length)] : interval;
            var spec = Spec("j" + i, 1 << random.Next(4), restart, checkpoint) with { Priority = random.Next(2) * 100 };
            var job = Running(spec, i, 0, runRestartSeconds: random.Next(3) == 0 ? 0 : restart);
            job.RunStartedAt = Origin.AddTicks((random.Next(200) * grid) + (random.Next(8) == 0 ? random.Next(-1, 2) : 0));
            index.Add(job);
            jobs.Add(job);
        }

        foreach (var gone in jobs.Where(_ => random.Next(6) == 0).ToList())
        {
            index.Remove(gone);
            jobs.Remove(gone);
        }

        // Elapsed times of hours (scale 0), days (1), years (2) or decades (3): the last make the floor's rounding visible.
        long[] spans = [TimeSpan.TicksPerHour, TimeSpan.TicksPerDay * 30, TimeSpan.TicksPerDay * 365 * 3, TimeSpan.TicksPerDay * 365 * 60];
        var latest = jobs.Count == 0 ? Origin.UtcTicks : jobs.Max(j => j.RunStartedAt!.Value.UtcTicks);
        long nowTicks;
        if (jobs.Count == 0 || random.Next(3) == 0)
        {
            nowTicks = latest + random.NextInt64(0, spans[scale]);
        }
        else if (random.Next(2) == 0)
        {
            // On some job's phase boundary: start + r + k·c, or a tick either side.
            var j = jobs[random.Next(jobs.Count)];
            var c = (j.Spec.CheckpointInterval ?? interval).Ticks;
            var k = random.NextInt64(0, (spans[scale] / c) + 1);
            nowTicks = Math.Max(latest, j.RunStartedAt!.Value.UtcTicks + (long)Math.Round(j.CurrentRestartCostSeconds * TimeSpan.TicksPerSecond) + (k * c)) + random.Next(-1, 2);
        }
        else
        {
            // Inside (or at the end of) some job's restart.
            var j = jobs[random.Next(jobs.Count)];
            nowTicks = j.RunStartedAt!.Value.UtcTicks + (long)Math.Round(j.CurrentRestartCostSeconds * TimeSpan.TicksPerSecond * random.NextDouble());
        }

        var now = new DateTimeOffset(Math.Max(nowTicks, latest), TimeSpan.Zero);
        var salt = random.Next();
        bool Eligible(Job j) => salt % 3 == 0 || (j.Sequence * 2_654_435_761L ^ salt) % 4 != 0;

        Assert.True(index.Complete);
        Assert.Equal(jobs.Count, index.Count);
        Assert.Equal(FullSort(jobs.Where(Eligible), now), index.InVictimOrder(now, Eligible));
        return jobs.Count(j => Flipped(j, now));
    }

    /// <summary>One random set with service anchors (see <see cref="InVictimOrder_ServiceFloor_EqualsTheFullOrderOfTheJobsThatReachedIt"/>).</summary>
    private static void CheckService(int count, int seed, bool normalized)
    {
        var random = new Random(seed);
        double[] speeds = [1, 0.2, 0.75, 2.5];
        TimeSpan?[] intervals = [null, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(7)];
        double Before() => random.Next(3) switch { 0 => 0, 1 => 3600 * random.Next(1, 4), _ => random.NextDouble() * 50_000 };
        var index = new VictimIndex(normalized ? VictimAnchors.NormalizedGpuSeconds : VictimAnchors.GpuSeconds);
        var jobs = new List<Job>();
        for (var i = 0; i < count; i++)
        {
            var restart = random.Next(2) * 30;
            var spec = Spec("j" + i, 1 << random.Next(4), restart, intervals[random.Next(intervals.Length)]) with { Priority = random.Next(2) * 100 };
            var before = Before();
            var job = Running(spec, i, random.Next(400) * 7, runRestartSeconds: random.Next(2) == 0 ? 0 : restart, attainedBefore: before,
                speed: speeds[random.Next(speeds.Length)]);
            index.Add(job);
            jobs.Add(job);
        }

        foreach (var gone in jobs.Where(_ => random.Next(4) == 0).ToList())
        {
            index.Remove(gone);
            if (random.Next(3) == 0)
            {
                // A new run: later, with what the last one attained counted before it.
                gone.AttainedGpuSecondsBeforeRun += 1000;
                gone.AttainedNormalizedGpuSecondsBeforeRun += 500;
                gone.RunStartedAt = gone.RunStartedAt!.Value.AddSeconds(random.Next(1, 200));
                gone.CurrentSpeed = speeds[random.Next(speeds.Length)];
                index.Add(gone);
            }
            else
            {
                jobs.Remove(gone);
            }
        }

        var now = Origin.AddSeconds(3000 + random.Next(100_000));
        double Service(Job j) => normalized ? j.AttainedNormalizedGpuSeconds(now) : j.AttainedGpuSeconds(now);
        var floor = random.Next(5) switch
        {
            0 => double.NegativeInfinity,
            1 => double.PositiveInfinity,
            2 => random.NextDouble() * 200_000,
            _ when jobs.Count == 0 => 0,
            3 => Service(jobs[random.Next(jobs.Count)]),
            _ => Math.BitIncrement(Service(jobs[random.Next(jobs.Count)])),
        };
        var salt = random.Next();
        bool Eligible(Job j) => Service(j) >= floor && (salt % 3 == 0 || (j.Sequence * 2_654_435_761L ^ salt) % 4 != 0);
        var asked = new List<Job>();

        Assert.Equal(jobs.Count, index.Count);
        Assert.Equal(FullSort(jobs.Where(Eligible), now), index.InVictimOrder(now, j => { asked.Add(j); return Eligible(j); }, floor));
        Assert.DoesNotContain(asked, j => Service(j) < floor - 1);
    }

    /// <summary>One random anchored set (see <see cref="InVictimOrder_AnchorFloor_EqualsTheFullOrderOfTheJobsAboveIt"/>).</summary>
    private static void CheckAnchored(int count, int seed)
    {
        var random = new Random(seed);
        double[] special = [double.NaN, double.NegativeInfinity, double.PositiveInfinity];
        double Anchor() => random.Next(8) == 0 ? special[random.Next(special.Length)] : random.NextDouble() * 100;
        TimeSpan?[] intervals = [null, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(7)];
        var index = new VictimIndex();
        var jobs = new List<Job>();
        for (var i = 0; i < count; i++)
        {
            var restart = random.Next(2) * 30;
            var spec = Spec("j" + i, 1 << random.Next(3), restart, intervals[random.Next(intervals.Length)]) with { Priority = random.Next(2) * 100 };
            var job = Running(spec, i, random.Next(400) * 7, runRestartSeconds: random.Next(2) == 0 ? 0 : restart);
            job.RunningKeyAnchor = Anchor();
            index.Add(job);
            jobs.Add(job);
        }

        foreach (var gone in jobs.Where(_ => random.Next(4) == 0).ToList())
        {
            index.Remove(gone);
            if (random.Next(3) == 0)
            {
                gone.RunningKeyAnchor = Anchor();
                index.Add(gone);
            }
            else
            {
                jobs.Remove(gone);
            }
        }

        double[] floors = [double.NegativeInfinity, double.PositiveInfinity, double.NaN, random.NextDouble() * 100, random.NextDouble() * 100];
        var floor = floors[random.Next(floors.Length)];
        var now = Origin.AddSeconds(3000 + random.Next(100_000));
        var salt = random.Next();
        bool Eligible(Job j) => salt % 3 == 0 || (j.Sequence * 2_654_435_761L ^ salt) % 4 != 0;
        var asked = new List<Job>();

        Assert.Equal(jobs.Count, index.Count);
        var expected = FullSort(jobs.Where(j => !(j.RunningKeyAnchor < floor) && Eligible(j)), now);
        Assert.Equal(expected, index.InVictimOrder(now, j => { asked.Add(j); return Eligible(j); }, floor));
        Assert.DoesNotContain(asked, j => j.RunningKeyAnchor < floor);
    }

    private static List<Job> FullSort(IEnumerable<Job> jobs, DateTimeOffset now)
    {
        var cost = LeastLostWorkPreemption.Instance;
        return [.. jobs.OrderBy(j => new PassPlanner.VictimKey(cost.VictimCost(j, now), j.Spec.Priority, j.Sequence))];
    }

    /// <summary>Whether the floating-point lost work of a checkpointed job past its restart is in another period than the
    /// exact one in ticks, r + ((E − r) mod c).</summary>
    private static bool Flipped(Job job, DateTimeOffset now)
    {
        if (job.Spec.CheckpointInterval is not { } interval)
        {
            return false;
        }

        var elapsed = (now - job.RunStartedAt!.Value).Ticks;
        var restart = (long)Math.Round(job.CurrentRestartCostSeconds * TimeSpan.TicksPerSecond);
        if (elapsed < Math.Max(restart, 1))
        {
            return false;
        }

        var exact = (restart + ((elapsed - restart) % interval.Ticks)) / (double)TimeSpan.TicksPerSecond;
        return Math.Abs(job.SecondsSinceCheckpoint(now) - exact) > interval.TotalSeconds / 2;
    }

    /// <summary>The hand-worked case's index and jobs A, B, C (see <see cref="InVictimOrder_ThreeJobsByHand_RotatesByPhase"/>).</summary>
    private static (VictimIndex Index, Job A, Job B, Job C) ThreeJobsByHand((double A, double B, double C) anchors = default)
    {
        var index = new VictimIndex();
        var a = Running(Spec("a", 1, 60, TimeSpan.FromSeconds(600)), 1, 2000 - 30, runRestartSeconds: 60);
        var b = Running(Spec("b", 1, 60, TimeSpan.FromSeconds(600)), 2, 2000 - 1290, runRestartSeconds: 60);
        var c = Running(Spec("c", 1, 60, TimeSpan.FromSeconds(600)), 3, 2000 - 700, runRestartSeconds: 60);
        (a.RunningKeyAnchor, b.RunningKeyAnchor, c.RunningKeyAnchor) = anchors;
        index.Add(a);
        index.Add(b);
        index.Add(c);
        return (index, a, b, c);
    }

    private static JobSpec Spec(string id, int gpus, double restartSeconds, TimeSpan? checkpoint) => new(id, gpus)
    {
        RestartCost = TimeSpan.FromSeconds(restartSeconds),
        CheckpointInterval = checkpoint,
    };

    private static Job Running(JobSpec spec, long sequence, double startSeconds, double runRestartSeconds = 0, double attainedBefore = 0, double speed = 1)
    {
        var job = new Job(spec, sequence, 0, Origin)
        {
            State = JobState.Running,
            Placement = new Placement([new NodeAllocation(0, "n0", spec.Gpus)], "gpu", TopologyLevel.Node),
            RunStartedAt = Origin.AddSeconds(startSeconds),
            CurrentRestartCostSeconds = runRestartSeconds,
            AttainedGpuSecondsBeforeRun = attainedBefore,
            AttainedNormalizedGpuSecondsBeforeRun = attainedBefore / 2,
            CurrentSpeed = speed,
        };
        return job;
    }

    /// <summary>The wrapped victim cost and nothing else: the engine keeps no index for it.</summary>
    private sealed class WrappedCost(IPreemptionPolicy inner) : IPreemptionPolicy
    {
        public double VictimCost(Job victim, DateTimeOffset now) => inner.VictimCost(victim, now);
    }
}
