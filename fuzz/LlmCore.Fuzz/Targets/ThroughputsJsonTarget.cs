using LlmCore.Scheduling;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// The throughput JSON of <c>llmcore schedule simulate --throughputs</c>: <see cref="ThroughputMatrix.Parse"/>
/// documents <see cref="SchedulingFileException"/> (file, line and column) for every malformed input.
/// </summary>
internal sealed class ThroughputsJsonTarget : FuzzTarget
{
    public override string Name => "throughputs-json";

    public override string Description => "ThroughputMatrix.Parse on the bytes as UTF-8 JSON; accepts SchedulingFileException";

    public override void Run(byte[] input)
    {
        ThroughputMatrix matrix;
        try
        {
            matrix = ThroughputMatrix.Parse(Text(input), "fuzz.json");
        }
        catch (SchedulingFileException ex)
        {
            ClusterJsonTarget.CheckFileError(ex);
            return;
        }

        Check(matrix.GpuTypes.Count >= 1, "at least one GPU type");
        Check(matrix.GpuTypes.Contains(matrix.ReferenceGpuType), "the reference type is one of the types");
        foreach (var jobClass in matrix.JobClasses)
        {
            Check(matrix.Contains(jobClass), "every class is found by its name");
            Check(matrix.Throughput(jobClass, matrix.ReferenceGpuType) > 0, "every class runs on the reference type");
            foreach (var type in matrix.GpuTypes)
            {
                var throughput = matrix.Throughput(jobClass, type);
                var speed = matrix.RelativeSpeed(jobClass, type);
                Check(double.IsFinite(throughput) && throughput >= 0, "a throughput is finite and ≥ 0");
                Check(double.IsFinite(speed) && speed >= 0, "a relative speed is finite and ≥ 0");
            }
        }
    }
}
