using System.Numerics;
using System.Text;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Schedules;
using LlmCore.Optimization.Training;

namespace LlmCore.Optimization.Tests.Training;

/// <summary>Checkpoints that resume a run bit-identically, mid-epoch or at an epoch's end.</summary>
public class CheckpointResumeTests
{
    [Fact]
    public void Resume_MidEpoch_Double_BitIdenticalToUninterruptedRun() => ResumeMidEpoch<double>();

    [Fact]
    public void Resume_MidEpoch_Float_BitIdenticalToUninterruptedRun() => ResumeMidEpoch<float>();

    [Fact]
    public void Resume_FromModelCheckpointWithShuffling_BitIdenticalToUninterruptedRun()
    {
        // ModelCheckpoint writes at the end of epoch 2; the resumed run draws the 3rd and 4th permutations of the
        // seeded shuffle, as the uninterrupted run does.
        var data = BuiltInDatasets.Moons<double>(120, 0.2, seed: 6);
        Trainer<double> Create() => new(ModelFactory.Mlp<double>(2, [6], 2, seed: 6), new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.05, momentum: 0.9));
        var straight = Create();
        var all = straight.Fit(data, new FitOptions { Epochs = 4, BatchSize = 20, Seed = 3 });

        var path = Path.Combine(Path.GetTempPath(), $"llmcore-resume-{Guid.NewGuid():N}.bin");
        try
        {
            var first = Create();
            var options = new FitOptions { Epochs = 2, BatchSize = 20, Seed = 3 };
            options.Callbacks.Add(new ModelCheckpoint(path));
            first.Fit(data, options);
            var resumed = Create();
            using (var stream = File.OpenRead(path))
            {
                resumed.LoadCheckpoint(stream);
            }

            Assert.Equal(2, resumed.CompletedEpochs);
            Assert.Equal(12, resumed.Step);
            var rest = resumed.Fit(data, new FitOptions { Epochs = 2, BatchSize = 20, Seed = 3 });
            AssertBitIdentical(straight.Model, resumed.Model);
            Assert.Equal([3, 4], rest.Epochs.Select(e => e.Epoch));
            Assert.Equal(all.Loss.Skip(2), rest.Loss);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Resume_EarlyStopping_StopsAtTheSameEpochWithTheSameBestWeights()
    {
        // A learning rate far too large makes the validation loss rise; the uninterrupted run stops at some epoch S.
        // Interrupted after epoch 2 (ModelCheckpoint listed after EarlyStopping, so it saves its memory), the resumed
        // run stops at the same S and restores the same best parameters.
        var data = BuiltInDatasets.Linear<double>(200, 4, seed: 5);
        var validation = BuiltInDatasets.Linear<double>(50, 4, seed: 6);
        Trainer<double> Create() => new(ModelFactory.Linear<double>(4, seed: 5), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.95));
        var straight = Create();
        var stopping = new EarlyStopping(patience: 2);
        var options = new FitOptions { Epochs = 40, BatchSize = 200, Seed = 5 };
        options.Callbacks.Add(stopping);
        var all = straight.Fit(data, options, validation);
        Assert.True(all.StoppedEarly);
        Assert.True(stopping.StoppedEpoch > 3, $"the test needs a run that stops after epoch 3; it stopped after {stopping.StoppedEpoch}");

        var path = Path.Combine(Path.GetTempPath(), $"llmcore-es-{Guid.NewGuid():N}.bin");
        try
        {
            var first = Create();
            var firstOptions = new FitOptions { Epochs = 2, BatchSize = 200, Seed = 5 };
            firstOptions.Callbacks.Add(new EarlyStopping(patience: 2));
            firstOptions.Callbacks.Add(new ModelCheckpoint(path));
            first.Fit(data, firstOptions, validation);
            var resumed = Create();
            using (var stream = File.OpenRead(path))
            {
                resumed.LoadCheckpoint(stream);
            }

            var resumedStopping = new EarlyStopping(patience: 2);
            var resumedOptions = new FitOptions { Epochs = 38, BatchSize = 200, Seed = 5 };
            resumedOptions.Callbacks.Add(resumedStopping);
            resumedOptions.Callbacks.Add(new ModelCheckpoint(path));
            var rest = resumed.Fit(data, resumedOptions, validation);
            Assert.True(rest.StoppedEarly);
            Assert.Equal(stopping.StoppedEpoch, resumedStopping.StoppedEpoch);
            Assert.Equal(stopping.BestEpoch, resumedStopping.BestEpoch);
            AssertBitIdentical(straight.Model, resumed.Model);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Resume_OtherBatchSize_ThrowsInvalidDataNamingTheMismatch()
    {
        var (data, other) = LoadedAfterTwoStepsOfEight();
        var ex = Assert.Throws<InvalidDataException>(() => other.Fit(data, new FitOptions { Epochs = 1, BatchSize = 10 }));
        Assert.Contains("8 of 40", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_ScheduleMissing_ThrowsInvalidData()
    {
        // A schedule that would silently restart its learning rate on resume is refused.
        var (data, other) = LoadedAfterTwoStepsOfEight();
        Assert.Throws<InvalidDataException>(() => other.Fit(data, new FitOptions { Epochs = 1, BatchSize = 8, Schedule = new ExponentialSchedule(0.01, 0.5) }));
    }

    [Fact]
    public void LoadCheckpoint_Version1_RestoresParametersAndOptimizer()
    {
        // The format written before the loop state existed: tag, parameters, optimizer state.
        var source = new Trainer<double>(ModelFactory.Linear<double>(3, seed: 4), new MeanSquaredError<double>(), p => new Adam<double>(p, 0.01));
        source.Fit(BuiltInDatasets.Linear<double>(30, 3, seed: 1), new FitOptions { Epochs = 2, BatchSize = 10 });
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("llmcore.checkpoint.v1");
            writer.Flush();
            source.SaveParameters(stream);
            using var state = new MemoryStream();
            source.Optimizer.SaveState(state);
            writer.Write((int)state.Length);
            writer.Write(state.ToArray());
        }

        stream.Position = 0;
        var target = new Trainer<double>(ModelFactory.Linear<double>(3, seed: 9), new MeanSquaredError<double>(), p => new Adam<double>(p, 0.01));
        target.LoadCheckpoint(stream);
        AssertBitIdentical(source.Model, target.Model);
        Assert.Equal(6, target.Optimizer.StepCount);
        Assert.Equal(0, target.Step);
    }

    [Fact]
    public void LoadCheckpoint_ModelStateMismatch_ThrowsInvalidData()
    {
        var stateful = new Trainer<double>(new PerturbedModel<double>(ModelFactory.Linear<double>(2)), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        using var stream = new MemoryStream();
        stateful.SaveCheckpoint(stream);
        stream.Position = 0;
        var plain = new Trainer<double>(ModelFactory.Linear<double>(2), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        Assert.Throws<InvalidDataException>(() => plain.LoadCheckpoint(stream));
    }

    /// <summary>A new trainer that has loaded the checkpoint of 2 steps in batches of 8 over 40 examples.</summary>
    private static (Dataset<double> Data, Trainer<double> Loaded) LoadedAfterTwoStepsOfEight()
    {
        var data = BuiltInDatasets.Linear<double>(40, 2, seed: 1);
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(2), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.01));
        trainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = 8, MaxSteps = 2 });
        using var stream = new MemoryStream();
        trainer.SaveCheckpoint(stream);
        stream.Position = 0;
        var loaded = new Trainer<double>(ModelFactory.Linear<double>(2), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.01));
        loaded.LoadCheckpoint(stream);
        return (data, loaded);
    }

    private static void ResumeMidEpoch<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // 100 examples in shuffled batches of 16 (7 steps per pass), physical chunks of 5, AdamW, warm-up + cosine per
        // batch, validation, early stopping and a model with state (PerturbedModel's counter, as dropout's): 23 steps
        // straight, against 10 steps, a checkpoint, new objects, and the 13 remaining steps.
        var moons = BuiltInDatasets.Moons<double>(130, 0.2, seed: 8);
        var data = Convert<T>(moons.Subset(Enumerable.Range(0, 100).ToArray()));
        var validation = Convert<T>(moons.Subset(Enumerable.Range(100, 30).ToArray()));
        (Trainer<T> Trainer, FitOptions Options) Create(long maxSteps)
        {
            var model = new PerturbedModel<T>(ModelFactory.Mlp<T>(2, [8], 2, Activation.Tanh, seed: 8));
            var trainer = new Trainer<T>(model, new SoftmaxCrossEntropy<T>(), p => new AdamW<T>(p, 0.02, weightDecay: 0.01));
            var options = new FitOptions
            {
                Epochs = 10,
                BatchSize = 16,
                Seed = 11,
                MaxSteps = maxSteps,
                MaxPhysicalBatchSize = 5,
                Schedule = new WarmupCosineSchedule(0.02, 3, 23, 0.002),
                ScheduleStepping = ScheduleStepping.PerBatch,
            };
            options.Callbacks.Add(new EarlyStopping(patience: 50));
            return (trainer, options);
        }

        var (straight, straightOptions) = Create(23);
        var all = straight.Fit(data, straightOptions, validation);
        Assert.Equal(23, straight.Optimizer.StepCount);

        var (first, firstOptions) = Create(10);
        first.Fit(data, firstOptions, validation);
        using var checkpoint = new MemoryStream();
        first.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        var (resumed, resumedOptions) = Create(13);
        resumed.LoadCheckpoint(checkpoint);
        Assert.Equal(10, resumed.Step);
        var rest = resumed.Fit(data, resumedOptions, validation);
        AssertBitIdentical(straight.Model, resumed.Model);
        Assert.Equal(23, resumed.Optimizer.StepCount);
        Assert.Equal(((PerturbedModel<T>)straight.Model).Calls, ((PerturbedModel<T>)resumed.Model).Calls);

        // The epochs the resumed run finishes are the uninterrupted run's, loss for loss.
        Assert.Equal([2, 3, 4], rest.Epochs.Select(e => e.Epoch));
        Assert.Equal(all.Epochs.Skip(1).Select(e => (e.Loss, e.ValidationLoss, e.Steps, e.LearningRate)), rest.Epochs.Select(e => (e.Loss, e.ValidationLoss, e.Steps, e.LearningRate)));
    }

    private static Dataset<T> Convert<T>(Dataset<double> data)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        new([.. data.Features.ToArray().Select(T.CreateTruncating)], data.FeatureCount, [.. data.Targets.ToArray().Select(T.CreateTruncating)], data.TargetCount, data.Task);

    private static void AssertBitIdentical<T>(IModel<T> expected, IModel<T> actual)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var p = 0; p < expected.Parameters.Count; p++)
        {
            Assert.Equal(expected.Parameters[p].Values.ToArray(), actual.Parameters[p].Values.ToArray());
        }
    }

    /// <summary>
    /// A model with state beyond its parameters, like a seeded dropout: each training pass perturbs its inputs by an
    /// amount that depends on a call counter, which a checkpoint must carry (<see cref="IModelState"/>).
    /// </summary>
    private sealed class PerturbedModel<T>(Sequential<T> inner) : IModel<T>, IModelState
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        private T[] _buffer = [];

        public long Calls { get; private set; }

        public int InputSize => inner.InputSize;

        public int OutputSize => inner.OutputSize;

        public IReadOnlyList<Parameter<T>> Parameters => inner.Parameters;

        public void Predict(ReadOnlySpan<T> input, Span<T> output, int batchSize) => inner.Predict(input, output, batchSize);

        public double ComputeGradients(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss, T scale, PerExampleGradients<T>? perExample = null) =>
            inner.ComputeGradients(Perturb(input), targets, batchSize, loss, scale, perExample);

        public double ComputeWeightedGradients(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss, IExampleWeighting<T> weighting, Span<T> norms, ClippingMode mode = ClippingMode.Automatic) =>
            inner.ComputeWeightedGradients(Perturb(input), targets, batchSize, loss, weighting, norms, mode);

        public PerExampleGradients<T> CreatePerExampleGradients(int capacity) => inner.CreatePerExampleGradients(capacity);

        public void ZeroGrad() => inner.ZeroGrad();

        public void SaveState(Stream destination)
        {
            using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
            writer.Write(Calls);
        }

        public void LoadState(Stream source)
        {
            using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
            Calls = reader.ReadInt64();
        }

        private ReadOnlySpan<T> Perturb(ReadOnlySpan<T> input)
        {
            if (_buffer.Length < input.Length)
            {
                _buffer = new T[input.Length];
            }

            var perturbed = _buffer.AsSpan(0, input.Length);
            for (var i = 0; i < input.Length; i++)
            {
                perturbed[i] = input[i] + T.CreateTruncating(0.01 * (((Calls * 31) + i) % 7));
            }

            Calls++;
            return perturbed;
        }
    }
}
