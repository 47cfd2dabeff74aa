namespace LlmCore.Scheduling.Slurm.Tests.Integration;

/// <summary>The tests that use the one local cluster run one after another: one restarts slurmctld, one fills every GPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SlurmCollection
{
    public const string Name = "Local Slurm cluster";
}
