using CsCheck;

namespace LlmCore.Scheduling.Tests;

/// <summary>
/// <see cref="JobSpec"/> keeps its rarely set properties in a side record that exists only when one of them is not at its
/// default, and its time spans as ticks. These tests hold it to what plain auto-properties of a record would do: every
/// property reads back what was last set (the same instance for reference types), equality and hashing depend on the
/// values only (not on whether a default was set explicitly or a property was set and reset), and validation is
/// unchanged. The oracle is the list of assignments itself.
/// </summary>
public sealed class JobSpecStorageTests
{
    /// <summary>Per property: its name, its three values (the default first; shared instances, since a record compares
    /// lists and curves by reference; for the name and the topology two equal values in different instances, which must
    /// still read back as the instance set last), how to set it and how to read it.</summary>
    private static readonly (string Name, object?[] Values, Func<JobSpec, object?, JobSpec> Set, Func<JobSpec, object?> Get)[] Properties =
    [
        ("Qos", [null, "gold", new string("gold".AsSpan())], (s, v) => s with { Qos = (string?)v }, s => s.Qos),
        ("CpuCores", [0.0, 8.0, 16.0], (s, v) => s with { CpuCores = (double)v! }, s => s.CpuCores),
        ("MemoryGib", [0.0, 64.0, 128.0], (s, v) => s with { MemoryGib = (double)v! }, s => s.MemoryGib),
        ("Dependencies", [Array.Empty<string>(), new[] { "a", "b" }, new[] { "c" }], (s, v) => s with { Dependencies = (string[])v! }, s => s.Dependencies),
        ("Deadline", [null, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.FromHours(1))], (s, v) => s with { Deadline = (DateTimeOffset?)v }, s => s.Deadline),
        ("Topology", [null, new TopologyRequest { RequiredLevel = "rack" }, new TopologyRequest { RequiredLevel = "rack" }], (s, v) => s with { Topology = (TopologyRequest?)v }, s => s.Topology),
        ("MinGpus", [null, 1, 2], (s, v) => s with { MinGpus = (int?)v }, s => s.MinGpus),
        ("Scaling", [ScalingCurve.Linear, ScalingCurve.FromPoints([(1, 1.0), (4, 3.0)]), ScalingCurve.Amdahl(0.1)], (s, v) => s with { Scaling = (ScalingCurve)v! }, s => s.Scaling),
        ("RuntimeEstimate", [null, TimeSpan.FromSeconds(100), TimeSpan.Zero], (s, v) => s with { RuntimeEstimate = (TimeSpan?)v }, s => s.RuntimeEstimate),
        ("CheckpointInterval", [null, TimeSpan.FromMinutes(10), TimeSpan.FromTicks(1)], (s, v) => s with { CheckpointInterval = (TimeSpan?)v }, s => s.CheckpointInterval),
        ("RestartCost", [TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.MaxValue], (s, v) => s with { RestartCost = (TimeSpan)v! }, s => s.RestartCost),
        ("GpuTypes", [Array.Empty<string>(), new[] { "V100" }, new[] { "A100", "H100" }], (s, v) => s with { GpuTypes = (string[])v! }, s => s.GpuTypes),
    ];

    /// <summary>One assignment: the property's index and the value's.</summary>
    private static readonly Gen<(int Property, int Choice)> Assignment = Gen.Select(Gen.Int[0, Properties.Length - 1], Gen.Int[0, 2]);

    [Fact]
    public void EverySequenceOfAssignments_ReadsBackTheLastValues_AndEqualsTheSameValuesSetDirectly()
    {
        Assignment.Array[0, 12].Sample(
            assignments =>
            {
                var spec = new JobSpec("j", 4);
                var last = new int[Properties.Length];
                foreach (var (property, choice) in assignments)
                {
                    spec = Properties[property].Set(spec, Properties[property].Values[choice]);
                    last[property] = choice;
                }

                // Every property reads back the value last set: the same instance for a reference type, and for a
                // deadline the same offset (not only the same instant).
                for (var p = 0; p < Properties.Length; p++)
                {
                    var expected = Properties[p].Values[last[p]];
                    var actual = Properties[p].Get(spec);
                    if (expected is null || expected.GetType().IsValueType)
                    {
                        Assert.Equal(expected, actual);
                    }
                    else
                    {
                        Assert.Same(expected, actual);
                    }
                }

                Assert.Equal(((DateTimeOffset?)Properties[4].Values[last[4]])?.Offset, spec.Deadline?.Offset);

                // The same values set in one go, every property (defaults too): equal, with the same hash.
                var direct = new JobSpec("j", 4);
                for (var p = 0; p < Properties.Length; p++)
                {
                    direct = Properties[p].Set(direct, Properties[p].Values[last[p]]);
                }

                Assert.Equal(direct, spec);
                Assert.Equal(direct.GetHashCode(), spec.GetHashCode());
            },
            iter: 2_000,
            seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void SettingAPropertyAndSettingItBack_GivesAnEqualSpec()
    {
        var plain = new JobSpec("j", 4) { Tenant = "t", Priority = PriorityClasses.High };
        foreach (var (name, values, set, _) in Properties)
        {
            for (var choice = 1; choice <= 2; choice++)
            {
                var changed = set(plain, values[choice]);
                Assert.False(plain.Equals(changed), name);
                var back = set(changed, values[0]);
                Assert.Equal(plain, back);
                Assert.Equal(plain.GetHashCode(), back.GetHashCode());
            }
        }
    }

    [Fact]
    public void DefaultsSetExplicitly_AllocateNothingMoreThanTheBareSpec()
    {
        static JobSpec Bare() => new("j", 4);
        static JobSpec ExplicitDefaults() => new("j", 4)
        {
            Qos = null,
            CpuCores = 0,
            MemoryGib = 0,
            Dependencies = [],
            Deadline = null,
            Topology = null,
            MinGpus = null,
            Scaling = ScalingCurve.Linear,
            RuntimeEstimate = null,
            CheckpointInterval = null,
            RestartCost = TimeSpan.Zero,
        };

        // Warm up (JIT), then count this thread's allocated bytes exactly.
        _ = Bare();
        _ = ExplicitDefaults();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bare = Bare();
        var middle = GC.GetAllocatedBytesForCurrentThread();
        var explicitDefaults = ExplicitDefaults();
        var after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(bare, explicitDefaults);
        Assert.Equal(middle - before, after - middle);
    }

    [Fact]
    public void TimeSpans_KeepTheirExactTicks_AndNullStaysDistinctFromZero()
    {
        var spec = new JobSpec("j", 1) { RuntimeEstimate = TimeSpan.Zero, CheckpointInterval = TimeSpan.FromTicks(1), RestartCost = TimeSpan.MaxValue };

        Assert.Equal(TimeSpan.Zero, spec.RuntimeEstimate);
        Assert.Equal(TimeSpan.FromTicks(1), spec.CheckpointInterval);
        Assert.Equal(TimeSpan.MaxValue, spec.RestartCost);
        Assert.NotEqual(new JobSpec("j", 1), new JobSpec("j", 1) { RuntimeEstimate = TimeSpan.Zero });
        Assert.Null((spec with { RuntimeEstimate = null }).RuntimeEstimate);
    }

    [Fact]
    public void ADeadlineKeepsItsOffset_EvenWhenReplacedByTheSameInstantElsewhere()
    {
        var utc = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var cet = utc.ToOffset(TimeSpan.FromHours(1));
        var spec = new JobSpec("j", 1) { Deadline = utc } with { Deadline = cet };

        Assert.Equal(TimeSpan.FromHours(1), spec.Deadline!.Value.Offset);
    }

    [Fact]
    public void RareProperties_KeepTheirValidation()
    {
        Assert.Equal(nameof(JobSpec.CpuCores), Assert.Throws<ArgumentOutOfRangeException>(() => new JobSpec("j", 1) { CpuCores = -1 }).ParamName);
        Assert.Equal(nameof(JobSpec.MemoryGib), Assert.Throws<ArgumentOutOfRangeException>(() => new JobSpec("j", 1) { MemoryGib = double.NaN }).ParamName);
        Assert.Equal(nameof(JobSpec.MinGpus), Assert.Throws<ArgumentOutOfRangeException>(() => new JobSpec("j", 1) { MinGpus = 0 }).ParamName);
        Assert.Equal(nameof(JobSpec.Scaling), Assert.Throws<ArgumentNullException>(() => new JobSpec("j", 1) { Scaling = null! }).ParamName);
        Assert.Equal(nameof(JobSpec.RuntimeEstimate), Assert.Throws<ArgumentOutOfRangeException>(() => new JobSpec("j", 1) { RuntimeEstimate = TimeSpan.FromTicks(-1) }).ParamName);
        Assert.Equal(nameof(JobSpec.RestartCost), Assert.Throws<ArgumentOutOfRangeException>(() => new JobSpec("j", 1) { RestartCost = TimeSpan.FromTicks(-1) }).ParamName);
    }
}
