using LlmCore.Optimization.Data;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Metrics;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Training;

namespace LlmCore.Optimization.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Fit_KerasExample_LossFalls()
    {
        // Keras: Sequential([Dense(1)]), compile(optimizer="adam", loss="mse"), fit(x, y, epochs=10) on 1000 × 32
        // random points, with Keras' defaults: Adam at lr 0.001, batch 32.
        var data = BuiltInDatasets.Linear<double>(seed: 1);
        var model = ModelFactory.Linear<double>(32, 1, seed: 1);
        var trainer = new Trainer<double>(model, new MeanSquaredError<double>(), p => new Adam<double>(p, learningRate: 0.001));
        var history = trainer.Fit(data, new FitOptions { Epochs = 10, BatchSize = 32, Seed = 1 });
        Assert.Equal(10, history.Epochs.Count);
        // Measured (seed 1): loss 1.038 after epoch 1 → 0.685 after epoch 10, falling every epoch; asserted with margin.
        Assert.True(history.Loss[^1] < 0.8 * history.Loss[0], $"loss {history.Loss[0]} → {history.Loss[^1]}");
        for (var e = 1; e < history.Loss.Count; e++)
        {
            Assert.True(history.Loss[e] < history.Loss[e - 1] * 1.05);
        }
    }

    [Fact]
    public void Fit_LinearRegression_RecoversKnownWeights()
    {
        // y = x·w + 0.5 + N(0, 0.01²) with the w of BuiltInDatasets.LinearCoefficients; least squares recovers w
        // to about noise/√n per coefficient, so 0.02 is several standard errors wide.
        var data = BuiltInDatasets.Linear<double>(count: 2000, features: 4, noise: 0.01, seed: 3);
        var (weights, bias) = BuiltInDatasets.LinearCoefficients(4, 3);
        var model = ModelFactory.Linear<double>(4, 1, seed: 0);
        var trainer = new Trainer<double>(model, new MeanSquaredError<double>(), p => new Sgd<double>(p, learningRate: 0.1, momentum: 0.9));
        trainer.Fit(data, new FitOptions { Epochs = 40, BatchSize = 32, Seed = 3 });
        var dense = (Dense<double>)model.Layers[0];
        for (var j = 0; j < 4; j++)
        {
            Assert.Equal(weights[j], dense.Weight.Values[j], 0.02);
        }

        Assert.Equal(bias, dense.Bias.Values[0], 0.02);
    }

    [Fact]
    public void Fit_MlpOnMoons_ReachesStatedAccuracy()
    {
        // Measured: seed 0, 1000 points, noise 0.2, MLP 2-16-16-2 ReLU, SGD lr 0.1 momentum 0.9, 30 epochs,
        // batch 32: held-out accuracy 0.95 (190/200). Asserted with margin: ≥ 0.93 (a linear model measured 0.865).
        var (train, test) = BuiltInDatasets.Moons<double>(1000, 0.2, seed: 0).Split(0.2, seed: 0);
        var model = ModelFactory.Mlp<double>(2, [16, 16], 2, Activation.Relu, seed: 0);
        var trainer = new Trainer<double>(model, new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.1, momentum: 0.9), [new Accuracy<double>()]);
        trainer.Fit(train, new FitOptions { Epochs = 30, BatchSize = 32, Seed = 0 });
        var accuracy = trainer.Evaluate(test).Metrics["accuracy"];
        Assert.True(accuracy >= 0.93, $"moons held-out accuracy {accuracy}");
    }

    [Fact]
    public void Fit_MlpOnIris_ReachesStatedAccuracy()
    {
        // Measured: standardised features, 80/20 split with seed 0, MLP 4-16-3 ReLU, SGD lr 0.05 momentum 0.9,
        // 100 epochs, batch 16: held-out accuracy 0.933 (28/30). Asserted: ≥ 0.9 (small MLPs reach 93–97 % on Iris).
        var (train, test) = BuiltInDatasets.Iris<double>().Split(0.2, seed: 0);
        var scaler = Standardizer<double>.Fit(train);
        var model = ModelFactory.Mlp<double>(4, [16], 3, Activation.Relu, seed: 0);
        var trainer = new Trainer<double>(model, new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.05, momentum: 0.9), [new Accuracy<double>()]);
        trainer.Fit(scaler.Transform(train), new FitOptions { Epochs = 100, BatchSize = 16, Seed = 0 });
        var accuracy = trainer.Evaluate(scaler.Transform(test)).Metrics["accuracy"];
        Assert.True(accuracy >= 0.9, $"iris held-out accuracy {accuracy}");
    }

    [Fact]
    public void Fit_SameSeed_IdenticalHistory()
    {
        static History Run()
        {
            var data = BuiltInDatasets.Moons<double>(300, seed: 4);
            var model = ModelFactory.Mlp<double>(2, [8], 2, Activation.Tanh, seed: 4);
            var trainer = new Trainer<double>(model, new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.1), [new Accuracy<double>()]);
            return trainer.Fit(data, new FitOptions { Epochs = 5, BatchSize = 16, Seed = 9, ValidationSplit = 0.2 });
        }

        var a = Run();
        var b = Run();
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(a.ValidationLoss, b.ValidationLoss);
        Assert.Equal(a.Metric("accuracy"), b.Metric("accuracy"));
        Assert.Equal(a.Metric("accuracy", validation: true), b.Metric("accuracy", validation: true));
        Assert.Equal(5, a.ValidationLoss.Count);
    }

    [Fact]
    public void Fit_DifferentShuffleSeed_DifferentHistory()
    {
        static IReadOnlyList<double> Run(int seed)
        {
            var data = BuiltInDatasets.Moons<double>(200, seed: 4);
            var trainer = new Trainer<double>(ModelFactory.Mlp<double>(2, [8], 2, seed: 4), new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.1));
            return trainer.Fit(data, new FitOptions { Epochs = 2, BatchSize = 16, Seed = seed }).Loss;
        }

        Assert.NotEqual(Run(1), Run(2));
    }

    [Fact]
    public void Fit_WrongFeatureCount_ThrowsArgumentException()
    {
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(3), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        var data = new Dataset<double>([1, 2, 3, 4], 2, [1, 2], 1);
        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit(data, new FitOptions()));
        Assert.Contains("2 features", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_EmptyArrays_ThrowsArgumentException()
    {
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(3), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        Assert.Throws<ArgumentException>(() => trainer.Fit([], [], new FitOptions()));
    }

    [Fact]
    public void Fit_BadOptions_ThrowArgumentOutOfRange()
    {
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(1), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit([1.0], [1.0], new FitOptions { Epochs = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit([1.0], [1.0], new FitOptions { ValidationSplit = 1 }));
    }

    [Fact]
    public void Fit_EarlyStopping_StopsAndRestoresBestWeights()
    {
        // A learning rate far too large makes the loss grow after the first epochs: early stopping must end the run.
        var data = BuiltInDatasets.Linear<double>(200, 4, seed: 5);
        var model = ModelFactory.Linear<double>(4, seed: 5);
        var trainer = new Trainer<double>(model, new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.9));
        var stopping = new EarlyStopping(patience: 1);
        var options = new FitOptions { Epochs = 50, BatchSize = 200, Seed = 5, ValidationSplit = 0.25 };
        options.Callbacks.Add(stopping);
        var history = trainer.Fit(data, options);
        Assert.True(history.StoppedEarly);
        Assert.True(history.Epochs.Count < 50);
        Assert.Equal(stopping.BestEpoch + 2, stopping.StoppedEpoch);
        var (_, validation) = (data, data.Subset(Enumerable.Range(150, 50).ToArray()));
        Assert.Equal(history.ValidationLoss.Min(), trainer.Evaluate(validation).Loss, 1e-9);
    }

    [Fact]
    public void Checkpoint_SaveAndLoad_ResumesBitIdentically()
    {
        var data = BuiltInDatasets.Moons<double>(200, seed: 6);
        Trainer<double> Create() => new(ModelFactory.Mlp<double>(2, [6], 2, seed: 6), new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.05, momentum: 0.9));

        var straight = Create();
        straight.Fit(data, new FitOptions { Epochs = 4, BatchSize = 20, Shuffle = false });

        var first = Create();
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-ckpt-{Guid.NewGuid():N}.bin");
        try
        {
            var options = new FitOptions { Epochs = 2, BatchSize = 20, Shuffle = false };
            options.Callbacks.Add(new ModelCheckpoint(path));
            first.Fit(data, options);
            var resumed = Create();
            using (var stream = File.OpenRead(path))
            {
                resumed.LoadCheckpoint(stream);
            }

            Assert.Equal(2 * 10, resumed.Optimizer.StepCount);
            resumed.Fit(data, new FitOptions { Epochs = 2, BatchSize = 20, Shuffle = false });
            for (var p = 0; p < straight.Model.Parameters.Count; p++)
            {
                Assert.Equal(straight.Model.Parameters[p].Values.ToArray(), resumed.Model.Parameters[p].Values.ToArray());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadCheckpoint_OtherModel_ThrowsInvalidData()
    {
        var a = new Trainer<double>(ModelFactory.Linear<double>(3), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        var b = new Trainer<double>(ModelFactory.Linear<double>(4), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        using var stream = new MemoryStream();
        a.SaveCheckpoint(stream);
        stream.Position = 0;
        Assert.Throws<InvalidDataException>(() => b.LoadCheckpoint(stream));
    }

    [Fact]
    public void Fit_Schedule_SteppedPerEpochAndApplied()
    {
        var schedule = new HalvingSchedule(0.1);
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(2), new MeanSquaredError<double>(), p => new Sgd<double>(p, 1.0));
        var options = new FitOptions { Epochs = 3, BatchSize = 8, Schedule = schedule };
        var history = trainer.Fit(BuiltInDatasets.Linear<double>(32, 2, seed: 1), options);
        Assert.Equal([0.1, 0.05, 0.025], history.Epochs.Select(e => e.LearningRate));
        Assert.Equal(3, schedule.StepCount);
        Assert.Equal(0.0125, trainer.Optimizer.LearningRate);
    }

    [Fact]
    public void Fit_Progress_ReportsEveryEpoch()
    {
        var reports = new List<int>();
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(2), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1));
        trainer.Fit(BuiltInDatasets.Linear<double>(32, 2, seed: 1), new FitOptions { Epochs = 4 }, progress: new SyncProgress(e => reports.Add(e.Epoch)));
        Assert.Equal([1, 2, 3, 4], reports);
    }

    [Fact]
    public void TrainStep_GradientTransform_WeightsEachExampleAndSeesTheBatch()
    {
        // A DP-SGD-like transform: clip each example to C, sum, divide by B (no noise, so the step is checkable).
        var model = ModelFactory.Mlp<double>(3, [4], 2, seed: 7);
        var trainer = new Trainer<double>(model, new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 1.0));
        var transform = new ClipTransform(0.01);
        trainer.GradientTransform = transform;
        var before = model.Parameters.Select(p => p.Values.ToArray()).ToArray();
        var x = Enumerable.Range(0, 15).Select(i => (double)i / 5).ToArray();
        trainer.TrainStep(x, [0.0, 1, 0, 1, 1], 5);
        Assert.Equal(5, transform.LastBatchSize);
        var moved = Math.Sqrt(model.Parameters.Select((p, k) => p.Values.ToArray().Select((v, j) => (v - before[k][j]) * (v - before[k][j])).Sum()).Sum());
        Assert.True(moved <= 0.01 + 1e-12, $"update norm {moved} exceeds C");
        Assert.True(moved > 0);
    }

    [Fact]
    public void Predict_MatchesEvaluateLoss()
    {
        var data = BuiltInDatasets.Linear<double>(50, 3, seed: 2);
        var trainer = new Trainer<double>(ModelFactory.Linear<double>(3), new MeanSquaredError<double>(), p => new Sgd<double>(p, 0.1), [new MeanSquaredErrorMetric<double>(), new RSquared<double>()]);
        var predictions = trainer.Predict(data.Features);
        var mse = predictions.Select((p, i) => (p - data.Targets[i]) * (p - data.Targets[i])).Average();
        var evaluation = trainer.Evaluate(data);
        Assert.Equal(mse, evaluation.Loss, 1e-12);
        Assert.Equal(mse, evaluation.Metrics["mse"], 1e-12);
    }

    private sealed class HalvingSchedule(double initial) : ILearningRateSchedule
    {
        public double LearningRate { get; private set; } = initial;

        public long StepCount { get; private set; }

        public double Step(double? metric = null)
        {
            StepCount++;
            LearningRate /= 2;
            return LearningRate;
        }
    }

    private sealed class SyncProgress(Action<EpochResult> report) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => report(value);
    }

    private sealed class ClipTransform(double c) : IGradientTransform<double>, IExampleWeighting<double>
    {
        public int LastBatchSize { get; private set; }

        public IExampleWeighting<double>? ExampleWeighting => this;

        public ClippingMode ClippingMode => ClippingMode.Materialized;

        public void ComputeWeights(ReadOnlySpan<double> norms, Span<double> weights)
        {
            for (var i = 0; i < norms.Length; i++)
            {
                weights[i] = Math.Min(1, c / norms[i]) / norms.Length;
            }
        }

        public void Apply(IReadOnlyList<Parameter<double>> parameters, in GradientTransformContext context) => LastBatchSize = context.BatchSize;
    }
}
