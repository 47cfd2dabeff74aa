using LlmCore.Optimization;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;

namespace LlmCore.Privacy.Tests.Training;

/// <summary>DP-SGD as the one training loop: Trainer + Poisson sampler + private gradient transform + accounting callback.</summary>
public sealed class DpSgdCompositionTests
{
    [Fact]
    public void OneTrainer_NoNoiseNoClippingFullBatch_EqualsNonPrivateTrainingStepForStep()
    {
        // σ = 0, C = ∞, q = 1: the private transform's Σᵢ 1·gᵢ / (q·N) is the plain mean gradient, so the one Trainer
        // with the private pieces follows the non-private Trainer step for step (sums in another order: 1e-12).
        var data = TrainingFixtures.Regression(50, seed: 7);
        var (plainModel, plainSgd) = TrainingFixtures.Mlp(11);
        var (privateModel, privateSgd) = TrainingFixtures.Mlp(11);
        var plain = new Trainer<double>(plainModel, TrainingFixtures.Mse, plainSgd);
        var dp = new Trainer<double>(privateModel, TrainingFixtures.Mse, privateSgd)
        {
            GradientTransform = new PrivateGradientTransform<double>(0, double.PositiveInfinity, new SeededRandomSource(1)),
        };
        var sampler = new PoissonBatchSampler(50, 1.0, new SeededRandomSource(2));
        for (var step = 0; step < 20; step++)
        {
            plain.Fit(data, new FitOptions { Epochs = 1, BatchSize = 50, Shuffle = false });
            var history = dp.Fit(data, new FitOptions { Epochs = 1, BatchSampler = sampler });
            Assert.Equal(1, history.Steps);
            for (var p = 0; p < plainModel.Parameters.Count; p++)
            {
                var expected = plainModel.Parameters[p].Values.ToArray();
                var actual = privateModel.Parameters[p].Values.ToArray();
                for (var i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i], actual[i], 1e-12);
                }
            }
        }
    }

    [Theory]
    [InlineData(PrivacyAccountantKind.Rdp)]
    [InlineData(PrivacyAccountantKind.Pld)]
    public void Accountant_OneComposedEventPerLogicalStep_WhateverIsReadWhenever(PrivacyAccountantKind kind)
    {
        // Virtual steps (chunks of 3) and ε, δ and the history read after every step, twice: the accountant holds
        // exactly one step event per logical step, reading composes nothing, and ε after k steps is the accountant's ε
        // for k composed steps whenever it is read (for PLD exactly: composition is canonical, not read-dependent).
        var data = TrainingFixtures.Regression(40);
        var (model, sgd) = TrainingFixtures.Mlp(3);
        // PLD on a 1e-3 grid keeps the test fast; the property does not depend on the grid.
        static IPrivacyAccountant Create(PrivacyAccountantKind kind) => kind == PrivacyAccountantKind.Pld ? new PldAccountant(1e-3) : new RdpAccountant();
        var accountant = Create(kind);
        var options = new DpSgdOptions { ExpectedBatchSize = 8, NoiseMultiplier = 1.0, MaxPhysicalBatchSize = 3, Delta = 1e-5, RandomSource = new SeededRandomSource(4) };
        var dp = new PrivateTrainer<double>(model, TrainingFixtures.Mse, sgd, data, options, accountant);
        var readings = new List<(int Events, double Epsilon)>();
        var fit = new FitOptions { Epochs = 2, MaxSteps = 6 };
        fit.StepCallbacks.Add(new ReadAfterStep(() =>
        {
            var first = (accountant.History.Count, accountant.GetEpsilon(1e-5));
            _ = accountant.GetDelta(2.0);
            _ = dp.Epsilon;
            var second = (accountant.History.Count, accountant.GetEpsilon(1e-5));
            Assert.Equal(first, second);
            readings.Add(first);
        }));
        var history = dp.Fit(fit);
        Assert.Equal(6, history.Steps);
        Assert.Equal(6, dp.Steps);
        Assert.Equal([1, 2, 3, 4, 5, 6], readings.Select(r => r.Events));
        Assert.All(accountant.History, e => Assert.Equal(dp.Accounting.StepEvent, e));
        for (var k = 1; k <= 6; k++)
        {
            var reference = Create(kind).Compose(dp.Accounting.StepEvent, k).GetEpsilon(1e-5);
            if (kind == PrivacyAccountantKind.Pld)
            {
                Assert.Equal(reference, readings[k - 1].Epsilon);
            }
            else
            {
                Assert.Equal(reference, readings[k - 1].Epsilon, 1e-12);
            }
        }
    }

    [Fact]
    public void TargetEpsilon_StopsBeforeTheCrossingStep_NothingSampledNoNoiseDrawn()
    {
        // The target lies between ε after 10 and after 11 steps: the run takes 10 steps and refuses the 11th before
        // the sampler or the noise draws a single random word; asking again changes nothing either.
        var data = TrainingFixtures.Regression(100);
        var step = new PoissonSampledEvent(0.1, new GaussianEvent(1.0));
        var after10 = new RdpAccountant().Compose(step, 10).GetEpsilon(1e-5);
        var after11 = new RdpAccountant().Compose(step, 11).GetEpsilon(1e-5);
        var (model, sgd) = TrainingFixtures.Mlp(0);
        var source = new CountingSource(new SeededRandomSource(9));
        var options = new DpSgdOptions { ExpectedBatchSize = 10, NoiseMultiplier = 1.0, Delta = 1e-5, TargetEpsilon = (after10 + after11) / 2, RandomSource = source };
        var dp = new PrivateTrainer<double>(model, TrainingFixtures.Mse, sgd, data, options);
        var history = dp.Fit(new FitOptions { Epochs = 5 });
        Assert.Equal(TrainingStopReason.StepRefused, history.StopReason);
        Assert.True(history.StoppedEarly);
        Assert.Equal(10, history.Steps);
        Assert.True(dp.Accounting.TargetReached);
        Assert.Equal(after10, dp.Epsilon, 12);
        var words = source.Words;
        var parameters = model.Parameters.Select(p => p.Values.ToArray()).ToArray();
        var again = dp.Fit(new FitOptions { Epochs = 5 });
        Assert.Equal(0, again.Steps);
        Assert.Equal(words, source.Words);
        Assert.Equal(10, dp.Accountant.History.Count);
        for (var p = 0; p < parameters.Length; p++)
        {
            Assert.Equal(parameters[p], model.Parameters[p].Values.ToArray());
        }
    }

    [Fact]
    public void Resume_FromCheckpoint_ContinuesTheSameAccounting()
    {
        // 6 steps (inside the first epoch of 10), a checkpoint, new model, optimizer, trainer and a fresh accountant:
        // the resumed run composes the 6 steps it restores and stops before the 11th, as an uninterrupted run with the
        // same target does.
        var data = TrainingFixtures.Regression(100);
        var step = new PoissonSampledEvent(0.1, new GaussianEvent(1.0));
        var target = (new RdpAccountant().Compose(step, 10).GetEpsilon(1e-5) + new RdpAccountant().Compose(step, 11).GetEpsilon(1e-5)) / 2;
        PrivateTrainer<double> Create(IPrivacyAccountant accountant, ulong seed)
        {
            var (model, sgd) = TrainingFixtures.Mlp(5);
            var options = new DpSgdOptions { ExpectedBatchSize = 10, NoiseMultiplier = 1.0, Delta = 1e-5, TargetEpsilon = target, RandomSource = new SeededRandomSource(seed) };
            return new PrivateTrainer<double>(model, TrainingFixtures.Mse, sgd, data, options, accountant);
        }

        var first = Create(new RdpAccountant(), 1);
        var part = first.Fit(new FitOptions { Epochs = 5, MaxSteps = 6 });
        Assert.Equal(TrainingStopReason.MaxSteps, part.StopReason);
        using var checkpoint = new MemoryStream();
        first.Trainer.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        var accountant = new RdpAccountant();
        var resumed = Create(accountant, 2);
        resumed.Trainer.LoadCheckpoint(checkpoint);
        var rest = resumed.Fit(new FitOptions { Epochs = 5 });
        Assert.Equal(TrainingStopReason.StepRefused, rest.StopReason);
        Assert.Equal(4, rest.Steps);
        Assert.Equal(10, resumed.Steps);
        Assert.Equal(10, resumed.Trainer.Step);
        Assert.Equal(10, accountant.History.Sum(e => e is SelfComposedEvent s ? s.Count : 1));
        Assert.Equal(new RdpAccountant().Compose(step, 10).GetEpsilon(1e-5), resumed.Epsilon, 12);

        // The interrupted epoch is finished, not restarted: its 10 steps are the 6 before and the 4 after the checkpoint.
        Assert.Equal(10, rest.Epochs[0].Steps);
        Assert.Equal(1, rest.Epochs[0].Epoch);
    }

    [Fact]
    public void PrivateRun_EarlyStoppingAndModelCheckpoint_WorkAsWithoutPrivacy()
    {
        // A learning rate far too large makes the held-out loss rise; early stopping ends the private run, restores
        // the best parameters, and ModelCheckpoint(saveBestOnly) has written exactly those; the accountant holds one
        // event per step the run took.
        var data = TrainingFixtures.Regression(200, seed: 2);
        var validation = TrainingFixtures.Regression(50, seed: 3);
        var (model, _) = TrainingFixtures.Mlp(1);
        var trainer = new Trainer<double>(model, TrainingFixtures.Mse, p => new Sgd<double>(p, 3.0));
        var options = new DpSgdOptions { ExpectedBatchSize = 50, NoiseMultiplier = 0.5, MaxGradNorm = 5.0, Delta = 1e-5, RandomSource = new SeededRandomSource(6) };
        var dp = new PrivateTrainer<double>(trainer, data, options);
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-dp-{Guid.NewGuid():N}.bin");
        try
        {
            var stopping = new EarlyStopping(patience: 1);
            var fit = new FitOptions { Epochs = 50 };
            fit.Callbacks.Add(stopping);
            fit.Callbacks.Add(new ModelCheckpoint(path, saveBestOnly: true));
            var history = dp.Fit(fit, validation);
            Assert.True(history.StoppedEarly);
            Assert.Equal(TrainingStopReason.EpochCallback, history.StopReason);
            Assert.True(history.Epochs.Count < 50);
            Assert.Equal(history.Steps, dp.Steps);
            Assert.Equal(history.Epochs.Sum(e => e.Steps), dp.Accountant.History.Count);
            Assert.Equal(history.ValidationLoss.Min(), trainer.Evaluate(validation).Loss, 1e-12);

            var (restored, _) = TrainingFixtures.Mlp(9);
            var loaded = new Trainer<double>(restored, TrainingFixtures.Mse, p => new Sgd<double>(p, 3.0));
            using (var stream = File.OpenRead(path))
            {
                loaded.LoadCheckpoint(stream);
            }

            for (var p = 0; p < model.Parameters.Count; p++)
            {
                Assert.Equal(model.Parameters[p].Values.ToArray(), restored.Parameters[p].Values.ToArray());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PrivateRun_SameSeededSource_IdenticalLossHistory()
    {
        static IReadOnlyList<double> Run()
        {
            var data = TrainingFixtures.Regression(120);
            var (model, sgd) = TrainingFixtures.Mlp(2);
            var options = new DpSgdOptions { ExpectedBatchSize = 12, NoiseMultiplier = 1.1, MaxPhysicalBatchSize = 5, RandomSource = new SeededRandomSource(77) };
            return new PrivateTrainer<double>(model, TrainingFixtures.Mse, sgd, data, options).Fit(3).LossHistory;
        }

        var a = Run();
        Assert.Equal(3, a.Count);
        Assert.Equal(a, Run());
    }

    [Fact]
    public void AccountingCallback_TrainerNotPoissonSampled_RefusesToRun()
    {
        // Composing Poisson-sampled events while the trainer draws shuffled fixed-size batches would report a wrong ε.
        var data = TrainingFixtures.Regression(40);
        var (model, sgd) = TrainingFixtures.Mlp(1);
        var trainer = new Trainer<double>(model, TrainingFixtures.Mse, sgd) { GradientTransform = new PrivateGradientTransform<double>(1.0, 1.0, new SeededRandomSource(1)) };
        var callback = new PrivacyAccountingCallback(new RdpAccountant(), new PoissonSampledEvent(0.25, new GaussianEvent(1.0)), 1e-5);
        var options = new FitOptions { Epochs = 1, BatchSize = 10 };
        options.StepCallbacks.Add(callback);
        Assert.Throws<InvalidOperationException>(() => trainer.Fit(data, options));
        Assert.Equal(0, callback.ComposedSteps);

        Assert.Throws<NotSupportedException>(() => PrivacyAccountingCallback.StepEventFor(new ShuffledLikeSampler(), 1.0));
    }

    [Fact]
    public void PrivateTrainerFit_OptionsWithSamplerOrSplit_ThrowNamingTheOptions()
    {
        var data = TrainingFixtures.Regression(40);
        var (model, sgd) = TrainingFixtures.Mlp(1);
        var dp = new PrivateTrainer<double>(model, TrainingFixtures.Mse, sgd, data, new DpSgdOptions { ExpectedBatchSize = 4, RandomSource = new SeededRandomSource(1) });
        Assert.Throws<ArgumentException>("options", () => dp.Fit(new FitOptions { BatchSampler = new ShuffledLikeSampler() }));
        Assert.Throws<ArgumentException>("options", () => dp.Fit(new FitOptions { ValidationSplit = 0.2 }));
        dp.Trainer.GradientTransform = null;
        Assert.Throws<InvalidOperationException>(() => dp.Fit(new FitOptions()));
    }

    [Fact]
    public void PrivacyEngineFactory_Create_DoesNotChangeTheCallersOptions()
    {
        var factory = new PrivacyEngineFactory(randomSource: new SeededRandomSource(3));
        var options = new DpSgdOptions { ExpectedBatchSize = 5 };
        var (model, sgd) = TrainingFixtures.Mlp(0);
        var dp = factory.Create(model, TrainingFixtures.Mse, sgd, TrainingFixtures.Regression(50), options);
        Assert.Null(options.RandomSource);
        Assert.IsType<SeededRandomSource>(dp.GradientTransform.RandomSource);
        Assert.Same(dp.GradientTransform, dp.Trainer.GradientTransform);
    }

    private sealed class ReadAfterStep(Action read) : ITrainingStepCallback
    {
        public bool OnStepBegin(ITrainingSession trainer, in TrainingStepContext context) => true;

        public void OnStepEnd(ITrainingSession trainer, in StepResult step) => read();
    }

    private sealed class CountingSource(IRandomSource inner) : IRandomSource
    {
        public long Words { get; private set; }

        public bool IsCryptographicallySecure => inner.IsCryptographicallySecure;

        public void Fill(Span<byte> destination)
        {
            Words += (destination.Length + 7) / 8;
            inner.Fill(destination);
        }

        public void Fill(Span<ulong> destination)
        {
            Words += destination.Length;
            inner.Fill(destination);
        }

        public ulong NextUInt64()
        {
            Words++;
            return inner.NextUInt64();
        }
    }

    private sealed class ShuffledLikeSampler : IBatchSampler
    {
        public BatchSamplingScheme Scheme => BatchSamplingScheme.Shuffled;

        public int DatasetSize => 40;

        public double ExpectedBatchSize => 10;

        public double SampleRate => 0.25;

        public void Reset()
        {
        }

        public bool Next(List<int> destination)
        {
            destination.Clear();
            destination.AddRange(Enumerable.Range(0, 10));
            return true;
        }

        public void SaveState(Stream destination)
        {
        }

        public void LoadState(Stream source)
        {
        }
    }
}
