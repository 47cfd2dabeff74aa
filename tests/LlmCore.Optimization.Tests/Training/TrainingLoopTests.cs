using System.Numerics;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Metrics;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Schedules;
using LlmCore.Optimization.Training;

namespace LlmCore.Optimization.Tests.Training;

/// <summary>The seams of the one training loop: physical chunks, step limits, samplers, step callbacks, clipping, evaluation and progress.</summary>
public class TrainingLoopTests
{
    [Fact]
    public void Fit_PhysicalChunks_EqualOneBigBatch()
    {
        // Gradient accumulation: the logical batch of 64 run as chunks of at most 7 examples gives the same update as
        // the whole batch (sums in another order: equal to rounding, 1e-12 in double). Adam, so that any difference
        // in the gradient would show in the moments too.
        var data = BuiltInDatasets.Moons<double>(300, 0.2, seed: 2);
        var whole = Classifier(3);
        var chunked = Classifier(3);
        var a = whole.Fit(data, new FitOptions { Epochs = 3, BatchSize = 64, Seed = 5 });
        var b = chunked.Fit(data, new FitOptions { Epochs = 3, BatchSize = 64, Seed = 5, MaxPhysicalBatchSize = 7 });
        AssertClose(whole.Model, chunked.Model, 1e-12);
        for (var e = 0; e < 3; e++)
        {
            Assert.Equal(a.Loss[e], b.Loss[e], 1e-12);
        }
    }

    [Fact]
    public void Fit_PhysicalChunksWithExampleWeighting_EqualOneBigBatch()
    {
        // The weighted path (per-example clip factors, as DP-SGD): chunks of 5 sum to the same Σᵢ wᵢ∇ℓᵢ as the whole batch.
        var data = BuiltInDatasets.Moons<double>(120, 0.2, seed: 3);
        var whole = Classifier(4);
        var chunked = Classifier(4);
        whole.GradientTransform = new ClipEachExample(0.5);
        chunked.GradientTransform = new ClipEachExample(0.5);
        whole.Fit(data, new FitOptions { Epochs = 2, BatchSize = 40, Seed = 1 });
        chunked.Fit(data, new FitOptions { Epochs = 2, BatchSize = 40, Seed = 1, MaxPhysicalBatchSize = 5 });
        AssertClose(whole.Model, chunked.Model, 1e-12);
    }

    [Fact]
    public void Fit_MaxSteps_StopsInsideAnEpochAndRecordsThePartialEpoch()
    {
        // 100 examples in batches of 16: 7 steps per pass (6 × 16 + 4). 10 steps = one epoch and 3 steps of the second.
        var data = BuiltInDatasets.Linear<double>(100, 3, seed: 1);
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(3), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.01));
        var history = trainer.Fit(data, new FitOptions { Epochs = 5, BatchSize = 16, MaxSteps = 10 });
        Assert.Equal(TrainingStopReason.MaxSteps, history.StopReason);
        Assert.False(history.StoppedEarly);
        Assert.Equal(10, history.Steps);
        Assert.Equal(10, trainer.Optimizer.StepCount);
        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal(7, history.Epochs[0].Steps);
        Assert.False(history.Epochs[0].IsPartial);
        Assert.Equal(3, history.Epochs[1].Steps);
        Assert.True(history.Epochs[1].IsPartial);
        Assert.Equal(10, trainer.Step);
        Assert.Equal(1, trainer.CompletedEpochs);
    }

    [Fact]
    public void Fit_StepsPerEpoch_EpochsAreThatManyStepsAcrossPasses()
    {
        // Keras' steps_per_epoch: 5 steps per epoch while a pass has 7 batches, so epochs straddle passes and the batch
        // stream continues (epoch 2 takes the last 2 batches of pass 1 and the first 3 of pass 2).
        var data = BuiltInDatasets.Linear<double>(100, 3, seed: 1);
        var sampler = new CountingSampler(new FitOptionsSampler(100, 16));
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(3), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.01));
        var history = trainer.Fit(data, new FitOptions { Epochs = 3, StepsPerEpoch = 5, BatchSampler = sampler });
        Assert.Equal([5L, 5, 5], history.Epochs.Select(e => e.Steps));
        Assert.Equal(15, sampler.Batches);
        Assert.Equal(2, sampler.PassesEnded);
        Assert.Equal(TrainingStopReason.Completed, history.StopReason);
    }

    [Fact]
    public void Fit_StepCallbackRefuses_StopsBeforeTheStepWithNothingSampled()
    {
        var data = BuiltInDatasets.Linear<double>(64, 2, seed: 1);
        var sampler = new CountingSampler(new FitOptionsSampler(64, 8));
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(2), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.01));
        var refuse = new RefuseAt(5);
        var options = new FitOptions { Epochs = 3, BatchSampler = sampler };
        options.StepCallbacks.Add(refuse);
        var history = trainer.Fit(data, options);
        Assert.Equal(TrainingStopReason.StepRefused, history.StopReason);
        Assert.True(history.StoppedEarly);
        Assert.Equal(4, history.Steps);
        Assert.Equal(4, sampler.Batches);
        Assert.Equal(4, trainer.Optimizer.StepCount);
        Assert.Equal([1L, 2, 3, 4, 5], refuse.Asked);
        Assert.Equal([1L, 2, 3, 4], refuse.Ended);
        Assert.True(Assert.Single(history.Epochs).IsPartial);
    }

    [Fact]
    public void Fit_MaxGradientNorm_ClipsEachStepToTheNormAndReportsTheNormBeforeClipping()
    {
        // One full-batch SGD step with lr 1: the update is the clipped gradient, so its norm is min(‖g‖, c) (up to
        // clip_grad_norm_'s 1e-6), and the reported norm is ‖g‖ of the same batch computed directly.
        var data = BuiltInDatasets.Linear<double>(50, 3, seed: 4);
        var reference = ModelFactory.Linear<double>(3, seed: 2);
        reference.ZeroGrad();
        reference.ComputeGradients(data.Features, data.Targets, 50, new MeanSquaredError<double>());
        var expected = Math.Sqrt(reference.Parameters.Sum(p => p.Gradient.ToArray().Sum(g => g * g)));
        Assert.True(expected > 0.1, $"the test needs a gradient norm above the bound; got {expected}");

        var model = ModelFactory.Linear<double>(3, seed: 2);
        var before = model.Parameters.Select(p => p.Values.ToArray()).ToArray();
        var trainer = new Trainer<double>(model, new MeanSquaredError<double>(), p => new Sgd<double>(p, 1.0));
        var steps = new List<StepResult>();
        trainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = 50, Shuffle = false, MaxGradientNorm = 0.1, StepProgress = new Sync<StepResult>(steps.Add) });
        var moved = Math.Sqrt(model.Parameters.Select((p, k) => p.Values.ToArray().Select((v, i) => (v - before[k][i]) * (v - before[k][i])).Sum()).Sum());
        Assert.Equal(0.1 * expected / (expected + 1e-6), moved, 1e-12);
        Assert.Equal(expected, Assert.Single(steps).GradientNorm!.Value, 1e-12);
    }

    [Fact]
    public void Fit_WithoutMetrics_MakesNoTrainingEvaluationPass()
    {
        // A language model must not re-run its corpus every epoch: without metrics the training data is read once per
        // epoch (the batches); with metrics (an MLP's accuracy) a second, evaluation pass reads it again.
        var inner = BuiltInDatasets.Moons<double>(90, seed: 1);
        var plain = new CountingDataset(inner);
        new Trainer<double>(ModelFactory.Mlp<double>(2, [4], 2, seed: 1), new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.1))
            .Fit(plain, new FitOptions { Epochs = 2, BatchSize = 30 });
        Assert.Equal(2 * 90, plain.Rows);

        var withMetrics = new CountingDataset(inner);
        new Trainer<double>(ModelFactory.Mlp<double>(2, [4], 2, seed: 1), new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.1), [new Accuracy<double>()])
            .Fit(withMetrics, new FitOptions { Epochs = 2, BatchSize = 30 });
        Assert.Equal(2 * 2 * 90, withMetrics.Rows);

        var off = new CountingDataset(inner);
        var history = new Trainer<double>(ModelFactory.Mlp<double>(2, [4], 2, seed: 1), new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.1), [new Accuracy<double>()])
            .Fit(off, new FitOptions { Epochs = 2, BatchSize = 30, ComputeTrainingMetrics = false });
        Assert.Equal(2 * 90, off.Rows);
        Assert.Empty(history.Epochs[0].Metrics);
    }

    [Fact]
    public void Fit_MaxValidationBatches_EvaluatesOnlyThatManyBatches()
    {
        var train = BuiltInDatasets.Moons<double>(60, seed: 1);
        var validation = new CountingDataset(BuiltInDatasets.Moons<double>(100, seed: 2));
        var trainer = new Trainer<double>(ModelFactory.Mlp<double>(2, [4], 2, seed: 1), new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.1));
        var history = trainer.Fit(train, new FitOptions { Epochs = 3, BatchSize = 20, EvaluationBatchSize = 8, MaxValidationBatches = 2 }, validation);
        Assert.Equal(3 * 2 * 8, validation.Rows);

        // The loss is the mean over those first 16 examples.
        var first16 = BuiltInDatasets.Moons<double>(100, seed: 2).Subset(Enumerable.Range(0, 16).ToArray());
        Assert.Equal(trainer.Evaluate(first16).Loss, history.Epochs[^1].ValidationLoss!.Value, 1e-12);
    }

    [Fact]
    public void Fit_EvaluationBatchSize_SameValidationLossAndMetricsAsOneBatch()
    {
        // Validation in batches of 6 (77 = 12 × 6 + 5) gives the loss and accuracy of the whole set at once.
        var validation = BuiltInDatasets.Moons<double>(77, seed: 3);
        var trainer = new Trainer<double>(ModelFactory.Mlp<double>(2, [5], 2, seed: 3), new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.1), [new Accuracy<double>()]);
        var history = trainer.Fit(BuiltInDatasets.Moons<double>(40, seed: 1), new FitOptions { Epochs = 2, BatchSize = 10, EvaluationBatchSize = 6 }, validation);
        var whole = trainer.Evaluate(validation);
        Assert.Equal(whole.Loss, history.Epochs[^1].ValidationLoss!.Value, 1e-12);
        Assert.Equal(whole.Metrics["accuracy"], history.Epochs[^1].ValidationMetrics["accuracy"]);
    }

    [Fact]
    public void Fit_CrossEntropy_ReportsValidationPerplexityAsExpOfTheLoss()
    {
        var (train, test) = BuiltInDatasets.Moons<double>(200, seed: 1).Split(0.25, seed: 1);
        var ce = new Trainer<double>(ModelFactory.Mlp<double>(2, [4], 2, seed: 1), new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.1));
        var history = ce.Fit(train, new FitOptions { Epochs = 2 }, test);
        foreach (var e in history.Epochs)
        {
            Assert.Equal(Math.Exp(e.ValidationLoss!.Value), e.ValidationPerplexity!.Value, 1e-12);
        }

        var mse = new Trainer<double>(ModelFactory.Linear<double>(2), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        var regression = BuiltInDatasets.Linear<double>(40, 2, seed: 1);
        var mseHistory = mse.Fit(regression, new FitOptions { Epochs = 1, ValidationSplit = 0.25 });
        Assert.Null(mseHistory.Epochs[0].ValidationPerplexity);
        Assert.NotNull(mseHistory.Epochs[0].ValidationLoss);
    }

    [Fact]
    public void Fit_StepProgress_ReportsEveryStepWithThroughputFromTheClock()
    {
        // A clock that advances 2 ms per reading: each step is timed by two readings, so 2 ms per step exactly;
        // 16 examples of 12 tokens (ITokenDataset) in 2 ms are 8,000 examples/s and 96,000 tokens/s.
        var data = new TokenWindows(BuiltInDatasets.Linear<double>(48, 3, seed: 1), 12);
        var steps = new List<StepResult>();
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(3), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.01));
        var schedule = new WarmupCosineSchedule(0.01, 2, 5);
        trainer.Fit(data, new FitOptions
        {
            Epochs = 2,
            BatchSize = 16,
            Schedule = schedule,
            ScheduleStepping = ScheduleStepping.PerBatch,
            TimeProvider = new SteppingClock(TimeSpan.FromMilliseconds(2)),
            StepProgress = new Sync<StepResult>(steps.Add),
        });
        Assert.Equal([1L, 2, 3, 4, 5, 6], steps.Select(s => s.Step));
        Assert.Equal([1, 1, 1, 2, 2, 2], steps.Select(s => s.Epoch));
        Assert.All(steps, s => Assert.Equal(TimeSpan.FromMilliseconds(2), s.Elapsed));
        Assert.All(steps, s => Assert.Equal(8000, s.ExamplesPerSecond, 1e-9));
        Assert.All(steps, s => Assert.Equal(96000, s.TokensPerSecond!.Value, 1e-6));
        Assert.Equal(Enumerable.Range(0, 6).Select(t => schedule.At(t)), steps.Select(s => s.LearningRate));

        // The option wins over the dataset; without either, tokens/s is not reported.
        var optionSteps = new List<StepResult>();
        new Trainer<double>(ModelFactory.Linear<double>(3), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.01))
            .Fit(BuiltInDatasets.Linear<double>(16, 3, seed: 1), new FitOptions { Epochs = 1, BatchSize = 16, TokensPerExample = 3, TimeProvider = new SteppingClock(TimeSpan.FromMilliseconds(2)), StepProgress = new Sync<StepResult>(optionSteps.Add) });
        Assert.Equal(24000, Assert.Single(optionSteps).TokensPerSecond!.Value, 1e-6);
        Assert.Null(NoTokens());
    }

    [Fact]
    public void Fit_DefaultSampler_DrawsTodaysBatches()
    {
        // The default sampler keeps the batches of the loop it replaced: a permutation per pass from one
        // new Random(seed), shuffled in place pass after pass, cut into batches of B.
        var sampler = new FitOptionsSampler(10, 4, shuffle: true, seed: 7);
        var expected = Enumerable.Range(0, 10).ToArray();
        var random = new Random(7);
        var batch = new List<int>();
        for (var pass = 0; pass < 3; pass++)
        {
            random.Shuffle(expected);
            for (var start = 0; start < 10; start += 4)
            {
                var ends = sampler.Inner.Next(batch);
                Assert.Equal(expected.Skip(start).Take(4), batch);
                Assert.Equal(start + 4 >= 10, ends);
            }
        }
    }

    [Fact]
    public void FitOptions_BadNewOptions_ThrowNamingTheOption()
    {
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(1), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>("MaxSteps", () => trainer.Fit([1.0], [1.0], new FitOptions { MaxSteps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>("StepsPerEpoch", () => trainer.Fit([1.0], [1.0], new FitOptions { StepsPerEpoch = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>("MaxPhysicalBatchSize", () => trainer.Fit([1.0], [1.0], new FitOptions { MaxPhysicalBatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>("MaxValidationBatches", () => trainer.Fit([1.0], [1.0], new FitOptions { MaxValidationBatches = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>("EvaluationBatchSize", () => trainer.Fit([1.0], [1.0], new FitOptions { EvaluationBatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>("TokensPerExample", () => trainer.Fit([1.0], [1.0], new FitOptions { TokensPerExample = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>("MaxGradientNorm", () => trainer.Fit([1.0], [1.0], new FitOptions { MaxGradientNorm = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>("MaxGradientNorm", () => trainer.Fit([1.0], [1.0], new FitOptions { MaxGradientNorm = 0 }));
        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit([1.0, 2.0], [1.0, 2.0], new FitOptions { BatchSampler = new FitOptionsSampler(3, 1).Inner }));
        Assert.Contains("3 examples", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FitOptions_Clone_CopiesValuesAndCallbackLists()
    {
        var options = new FitOptions { Epochs = 3, MaxSteps = 9, MaxGradientNorm = 1.5 };
        options.Callbacks.Add(new EarlyStopping());
        var copy = options.Clone();
        copy.StepCallbacks.Add(new RefuseAt(1));
        copy.Callbacks.Clear();
        Assert.Equal(3, copy.Epochs);
        Assert.Equal(9, copy.MaxSteps);
        Assert.Equal(1.5, copy.MaxGradientNorm);
        Assert.Single(options.Callbacks);
        Assert.Empty(options.StepCallbacks);
    }

    private static double? NoTokens()
    {
        var steps = new List<StepResult>();
        new Trainer<double>(ModelFactory.Linear<double>(3), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.01))
            .Fit(BuiltInDatasets.Linear<double>(16, 3, seed: 1), new FitOptions { Epochs = 1, BatchSize = 16, StepProgress = new Sync<StepResult>(steps.Add) });
        return Assert.Single(steps).TokensPerSecond;
    }

    private static Trainer<double> Classifier(int seed) =>
        new(ModelFactory.Mlp<double>(2, [8], 2, Activation.Tanh, seed), new SoftmaxCrossEntropy<double>(), p => new Adam<double>(p, 0.01));

    private static void AssertClose(IModel<double> expected, IModel<double> actual, double tolerance)
    {
        for (var p = 0; p < expected.Parameters.Count; p++)
        {
            var x = expected.Parameters[p].Values.ToArray();
            var y = actual.Parameters[p].Values.ToArray();
            for (var i = 0; i < x.Length; i++)
            {
                Assert.Equal(x[i], y[i], tolerance);
            }
        }
    }

    /// <summary>The default sampler as the trainer builds it (it is internal), reached through a one-step fit.</summary>
    internal sealed class FitOptionsSampler(int n, int batchSize, bool shuffle = false, int seed = 0) : IBatchSampler
    {
        public ShuffledBatchSampler Inner { get; } = new(n, batchSize, shuffle, seed);

        public BatchSamplingScheme Scheme => Inner.Scheme;

        public int DatasetSize => Inner.DatasetSize;

        public double ExpectedBatchSize => Inner.ExpectedBatchSize;

        public double SampleRate => Inner.SampleRate;

        public void Reset() => Inner.Reset();

        public bool Next(List<int> destination) => Inner.Next(destination);

        public void SaveState(Stream destination) => Inner.SaveState(destination);

        public void LoadState(Stream source) => Inner.LoadState(source);
    }

    internal sealed class CountingSampler(IBatchSampler inner) : IBatchSampler
    {
        public int Batches { get; private set; }

        public int PassesEnded { get; private set; }

        public BatchSamplingScheme Scheme => inner.Scheme;

        public int DatasetSize => inner.DatasetSize;

        public double ExpectedBatchSize => inner.ExpectedBatchSize;

        public double SampleRate => inner.SampleRate;

        public void Reset() => inner.Reset();

        public bool Next(List<int> destination)
        {
            Batches++;
            var ends = inner.Next(destination);
            PassesEnded += ends ? 1 : 0;
            return ends;
        }

        public void SaveState(Stream destination) => inner.SaveState(destination);

        public void LoadState(Stream source) => inner.LoadState(source);
    }

    internal sealed class RefuseAt(long step) : ITrainingStepCallback
    {
        public List<long> Asked { get; } = [];

        public List<long> Ended { get; } = [];

        public bool OnStepBegin(ITrainingSession trainer, in TrainingStepContext context)
        {
            Asked.Add(context.Step);
            return context.Step < step;
        }

        public void OnStepEnd(ITrainingSession trainer, in StepResult result) => Ended.Add(result.Step);
    }

    /// <summary>Any dataset, counting the rows copied out of it.</summary>
    internal sealed class CountingDataset(IDataset<double> inner) : IDataset<double>
    {
        public long Rows { get; private set; }

        public int Count => inner.Count;

        public int FeatureCount => inner.FeatureCount;

        public int TargetCount => inner.TargetCount;

        public void CopyExamples(ReadOnlySpan<int> indices, Span<double> features, Span<double> targets)
        {
            Rows += indices.Length;
            inner.CopyExamples(indices, features, targets);
        }
    }

    internal sealed class TokenWindows(IDataset<double> inner, int tokens) : ITokenDataset<double>
    {
        public int TokensPerExample => tokens;

        public int Count => inner.Count;

        public int FeatureCount => inner.FeatureCount;

        public int TargetCount => inner.TargetCount;

        public void CopyExamples(ReadOnlySpan<int> indices, Span<double> features, Span<double> targets) => inner.CopyExamples(indices, features, targets);
    }

    /// <summary>A clock whose every reading is one tick later than the last.</summary>
    internal sealed class SteppingClock(TimeSpan tick) : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp()
        {
            _now += tick.Ticks;
            return _now;
        }
    }

    internal sealed class Sync<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value) => report(value);
    }

    /// <summary>Clip factors min(1, c/‖gᵢ‖) over the batch, then the mean: DP-SGD without noise.</summary>
    private sealed class ClipEachExample(double c) : IGradientTransform<double>, IExampleWeighting<double>
    {
        public IExampleWeighting<double>? ExampleWeighting => this;

        public ClippingMode ClippingMode => ClippingMode.Automatic;

        public void ComputeWeights(ReadOnlySpan<double> norms, Span<double> weights)
        {
            for (var i = 0; i < norms.Length; i++)
            {
                weights[i] = Math.Min(1, c / norms[i]);
            }
        }

        public void Apply(IReadOnlyList<Parameter<double>> parameters, in GradientTransformContext context)
        {
            foreach (var p in parameters)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(p.Gradient, 1.0 / context.BatchSize, p.Gradient);
            }
        }
    }
}
