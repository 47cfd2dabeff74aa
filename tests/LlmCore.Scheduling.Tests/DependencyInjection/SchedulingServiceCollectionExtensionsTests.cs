using LlmCore.Scheduling.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Scheduling.Tests.DependencyInjection;

public class SchedulingServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLlmCoreScheduling_InvalidOptions_FailValidationNamingTheProperty()
    {
        using var provider = new ServiceCollection().AddLlmCoreScheduling(o => o.Policy = "round-robin").BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);

        Assert.Contains("Policy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmCoreScheduling_Defaults_AreValid()
    {
        using var provider = new ServiceCollection().AddLlmCoreScheduling().BuildServiceProvider(validateScopes: true);

        Assert.NotNull(provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);
    }
}

public class SchedulingRegistrationTests
{
    [Fact]
    public void AddLlmCoreScheduling_RegistersSchedulerExecutorAndHostedService()
    {
        using var provider = new ServiceCollection()
            .AddLlmCoreScheduling(o =>
            {
                o.Policy = "drf";
                o.Cluster = LlmCore.Scheduling.Cluster.Uniform(2, 8);
                o.Tenants.Add(new LlmCore.Scheduling.TenantQuota("vision", 8));
            })
            .AddLlmCoreScheduling()
            .BuildServiceProvider();

        var scheduler = provider.GetRequiredService<LlmCore.Scheduling.IJobScheduler>();
        Assert.IsType<LlmCore.Scheduling.Execution.InProcessJobExecutor>(provider.GetRequiredService<LlmCore.Scheduling.Execution.IJobExecutor>());
        Assert.Single(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>());
        Assert.Equal("drf", ((LlmCore.Scheduling.JobScheduler)scheduler).Inspect(e => e.Policy.Name));
        Assert.Throws<LlmCore.Scheduling.UnknownTenantException>(() => scheduler.Submit(new LlmCore.Scheduling.JobSpec("x", 1) { Tenant = "audio" }));
    }

    [Fact]
    public void AddLlmCoreScheduling_NonPositivePassInterval_FailsValidation()
    {
        using var provider = new ServiceCollection().AddLlmCoreScheduling(o => o.PassInterval = TimeSpan.Zero).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);
        Assert.Contains("PassInterval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmCoreScheduling_ThroughputsAndHeterogeneityAware_ReachThePolicy()
    {
        // Gavel (Narayanan et al., OSDI 2020): a class twice as fast on V100 as on K80.
        var matrix = new LlmCore.Scheduling.ThroughputMatrix(["v100", "k80"], [new KeyValuePair<string, IReadOnlyList<double>>("resnet", [2.0, 1.0])], "k80");
        using var provider = new ServiceCollection()
            .AddLlmCoreScheduling(o =>
            {
                o.Policy = "las";
                o.Throughputs = matrix;
                o.HeterogeneityAware = true;
            })
            .BuildServiceProvider();

        var policy = provider.GetRequiredService<IOptions<SchedulingOptions>>().Value.CreatePolicy();

        Assert.Same(matrix, policy.Throughputs);
        Assert.True(policy.HeterogeneityAware);
        Assert.Equal("las", policy.Name);
    }

    [Fact]
    public void AddLlmCoreScheduling_HeterogeneityAwareWithoutThroughputs_FailsValidation()
    {
        using var provider = new ServiceCollection().AddLlmCoreScheduling(o => o.HeterogeneityAware = true).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);
        Assert.Contains("HeterogeneityAware", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Throughputs", ex.Message, StringComparison.Ordinal);
    }
}
