using LlmCore.Optimization.DependencyInjection;
using LlmCore.Optimization.Factories;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Schedules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Optimization.Tests.Factories;

public class FactoryTests
{
    [Fact]
    public void AddLlmCoreOptimization_CalledTwice_RegistersFactoriesOnce()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreOptimization().AddLlmCoreOptimization(o => o.ParallelThreshold = 4096);

        Assert.Single(services, static d => d.ServiceType == typeof(IOptimizerFactory));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<IOptimizerFactory>());
        Assert.NotNull(provider.GetRequiredService<ILearningRateScheduleFactory>());
    }

    [Fact]
    public void AddLlmCoreOptimization_BadOptions_FailValidation()
    {
        using var provider = new ServiceCollection().AddLlmCoreOptimization(o => o.ParallelThreshold = 1).BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OptimizationOptions>>().Value);
    }

    [Fact]
    public void Create_EveryName_BuildsAnOptimizerThatSteps()
    {
        var factory = new OptimizerFactory();
        foreach (var name in factory.Names)
        {
            var p = new Parameter<double>("w", [1.0, 2.0, 3.0, 4.0], 2, 2);
            var optimizer = factory.Create(name, [p], new OptimizerSettings { LearningRate = 0.01 });
            p.Gradient.Fill(1);
            optimizer.Step();
            Assert.True(p.Values[0] < 1.0, name);
        }
    }

    [Fact]
    public void Create_AdamWDefaults_MatchTorch()
    {
        var adamw = Assert.IsType<AdamW<float>>(new OptimizerFactory().Create("AdamW", [new Parameter<float>("w", [1f])]));

        Assert.Equal(1e-3, adamw.LearningRate);
        Assert.Equal(0.01, adamw.WeightDecay);
        Assert.Equal(0.999, adamw.Beta2);
    }

    [Fact]
    public void Create_UnknownName_ThrowsNamingIt()
    {
        Assert.Throws<ArgumentException>("name", () => new OptimizerFactory().Create("adamq", [new Parameter<float>("w", [1f])]));
    }

    [Fact]
    public void ScheduleFactory_WarmupCosine_PeaksAfterWarmupAndDecays()
    {
        var schedule = new LearningRateScheduleFactory().Create("cosine", 0.1, 110, 10);

        Assert.IsType<SequentialSchedule>(schedule);
        Assert.Equal(0.01, schedule.LearningRate, 12);
        var rates = Enumerable.Range(0, 110).Select(_ => schedule.Step()).ToArray();
        Assert.Equal(0.1, rates[9], 12);
        Assert.Equal(0.0, rates[^1], 12);
    }
}
