using LlmCore.Scheduling.Slurm.Internal;
using System.Text.Json;
using LlmCore.Scheduling.Slurm.Internal.Api;

namespace LlmCore.Scheduling.Slurm.Tests.Client;

public class SlurmMappingTests
{
    // Gres strings as Slurm prints them (slurm.conf Gres=, sinfo %G, scontrol show node, REST gres/gres_used); see
    // Recorded/v0.0.38/nodes.response.json for "gpu:8" and "gpu:1", job-11-running.response.json for "gpu:2(IDX:0-1)".
    [Theory]
    [InlineData("gpu:8", 8, null)]
    [InlineData("gpu:1", 1, null)]
    [InlineData("gpu:0", 0, null)]
    [InlineData("gpu:2(IDX:0-1)", 2, null)]
    [InlineData("gpu:a100:4(S:0-1)", 4, "a100")]
    [InlineData("gpu:a100:4(S:0-1),gpu:v100:2(S:0)", 6, "a100")]
    [InlineData("gpu:h100:8(IDX:0-7),mps:100", 8, "h100")]
    [InlineData("gpu", 1, null)]
    [InlineData("N/A", 0, null)]
    [InlineData("(null)", 0, null)]
    [InlineData("", 0, null)]
    [InlineData(null, 0, null)]
    public void ParseGpuGres_SlurmStrings_CountsGpus(string? gres, int count, string? type)
    {
        Assert.Equal((count, type), SlurmMapping.ParseGpuGres(gres));
    }

    [Theory]
    [InlineData("gres:gpu:2", 2)]
    [InlineData("gres:gpu:8", 8)]
    [InlineData("gres/gpu:a100:4", 4)]
    [InlineData("gres:gpu:1,gres:mps:10", 1)]
    [InlineData("", 0)]
    public void CountGpus_TresStrings_CountsGpus(string tres, int count)
    {
        Assert.Equal(count, SlurmMapping.CountGpus(tres));
    }

    // Slurm 22.05 job states (slurm.h job_states and JOB_* flags as printed by job_state_string) and reasons.
    [Theory]
    [InlineData("PENDING", "JobHeldUser", 0L, SlurmJobState.Held)]
    [InlineData("PENDING", "JobHeldAdmin", 0L, SlurmJobState.Held)]
    [InlineData("PENDING", "None", 0L, SlurmJobState.Held)]
    [InlineData("PENDING", "Priority", 4294901463L, SlurmJobState.Pending)]
    [InlineData("PENDING", "BeginTime", 4294901469L, SlurmJobState.Pending)]
    [InlineData("REQUEUED", "None", 1L, SlurmJobState.Pending)]
    [InlineData("CONFIGURING", "None", 1L, SlurmJobState.Running)]
    [InlineData("RUNNING", "None", 1L, SlurmJobState.Running)]
    [InlineData("COMPLETING", "None", 1L, SlurmJobState.Running)]
    [InlineData("COMPLETED", "None", 1L, SlurmJobState.Completed)]
    [InlineData("FAILED", "NonZeroExitCode", 1L, SlurmJobState.Failed)]
    [InlineData("TIMEOUT", "TimeLimit", 1L, SlurmJobState.Failed)]
    [InlineData("NODE_FAIL", "None", 1L, SlurmJobState.Failed)]
    [InlineData("OUT_OF_MEMORY", "None", 1L, SlurmJobState.Failed)]
    [InlineData("CANCELLED", "None", 1L, SlurmJobState.Cancelled)]
    [InlineData("PREEMPTED", "None", 1L, SlurmJobState.Preempted)]
    [InlineData("SOMETHING_NEW", "None", 1L, SlurmJobState.Unknown)]
    public void MapState_SlurmStates_MapToSmallEnum(string state, string reason, long priority, SlurmJobState expected)
    {
        Assert.Equal(expected, SlurmMapping.MapState(state, reason, priority));
    }

    // exit_code is a raw wait status (POSIX wait(2): WEXITSTATUS = status >> 8, so 768 means exit 3; WTERMSIG = status &
    // 0x7f, so 15 means killed by signal 15).
    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(768, 3, null)]
    [InlineData(256, 1, null)]
    [InlineData(15, null, 15)]
    [InlineData(9, null, 9)]
    public void ToJob_RawWaitStatus_SplitsExitCodeAndSignal(int raw, int? exit, int? signal)
    {
        var job = SlurmMapping.ToJob(new JobDto { JobId = 1, ExitCode = raw, JobState = "FAILED" });

        Assert.Equal(exit, job.ExitCode);
        Assert.Equal(signal, job.Signal);
    }

    [Theory]
    [InlineData("idle", true)]
    [InlineData("mixed", true)]
    [InlineData("allocated", true)]
    [InlineData("down", false)]
    [InlineData("drained", false)]
    [InlineData("invalid", false)]
    public void IsUsable_NodeStates_ExcludesDownAndDrained(string state, bool usable)
    {
        var node = SlurmMapping.ToNode(new NodeDto { Name = "n1", State = state, Gres = "gpu:8" });

        Assert.Equal(usable, node.IsUsable);
    }

    // The {set, infinite, number} objects of data_parser v0.0.40+ (uint32_no_val_struct, uint64_no_val_struct in
    // SchedMD's schemas): set and finite is the number; infinite or unset is no number. A bare number is accepted too.
    [Theory]
    [InlineData("""{"set":true,"infinite":false,"number":10}""", 10L, false)]
    [InlineData("""{"set":true,"infinite":true,"number":0}""", null, true)]
    [InlineData("""{"set":false,"infinite":false,"number":0}""", null, false)]
    [InlineData("""{"number":7}""", null, false)]
    [InlineData("""{"set":true,"infinite":false,"number":4294967294,"extra":[1,2]}""", 4294967294L, false)]
    [InlineData("12", 12L, false)]
    [InlineData("null", null, false)]
    public void NoValNumber_SlurmShapes_ReadAsSlurmMeansThem(string json, long? value, bool infinite)
    {
        var wrapper = JsonSerializer.Deserialize("""{"jobs":[{"job_id":1,"priority":""" + json + "}]}", DataParserJsonContext.Default.DpJobsResponse)!;
        var number = wrapper.Jobs![0].Priority;

        Assert.Equal(value, number.Value);
        Assert.Equal(infinite, number.Infinite);
    }

    [Fact]
    public void NoValNumber_Written_IsTheThreeFieldObject()
    {
        var body = JsonSerializer.Serialize(new DpJobDescription { TimeLimit = NoValNumber.Of(10) }, DataParserJsonContext.Default.DpJobDescription);

        Assert.Contains("\"time_limit\":{\"set\":true,\"infinite\":false,\"number\":10}", body, StringComparison.Ordinal);
    }

    // Slurm's job_state_string() (src/common/slurm_protocol_defs.c): the flags COMPLETING, STAGE_OUT, CONFIGURING,
    // EXPEDITING, RESIZING, REQUEUED, REQUEUE_FED, REQUEUE_HOLD, SPECIAL_EXIT, STOPPED, REVOKED, RESV_DEL_HOLD,
    // SIGNALING name the state in that order before the base state does; LAUNCH_FAILED and the like do not.
    [Theory]
    [InlineData("PENDING", "PENDING")]
    [InlineData("RUNNING,CONFIGURING", "CONFIGURING")]
    [InlineData("COMPLETED,COMPLETING", "COMPLETING")]
    [InlineData("CANCELLED,COMPLETING,SIGNALING", "COMPLETING")]
    [InlineData("PENDING,REQUEUED", "REQUEUED")]
    [InlineData("PENDING,REQUEUE_HOLD,SPECIAL_EXIT", "REQUEUE_HOLD")]
    [InlineData("RUNNING,STAGE_OUT,CONFIGURING", "STAGE_OUT")]
    [InlineData("FAILED,LAUNCH_FAILED", "FAILED")]
    [InlineData("PENDING,POWER_UP_NODE", "PENDING")]
    [InlineData("", "")]
    public void ReduceJobState_FlagLists_NameTheStateAsSlurmDoes(string flags, string expected)
    {
        Assert.Equal(expected, SlurmMapping.ReduceJobState(flags.Length == 0 ? [] : flags.Split(',')));
    }
}
