using System.Globalization;
using System.Numerics;
using System.Text.Json;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Optimizers;

/// <summary>
/// The flags and options the default-settings trajectories leave out (nesterov, dampening, maximize, amsgrad, L2 and
/// decoupled weight decay, Adagrad's lr_decay and initial accumulator, Adadelta's rho, RMSprop centered and momentum,
/// RAdam before and after rectification), against torch.optim itself: tests/reference/torch-optim-flags.json, written
/// by tests/reference/torch-optim-flags.py with PyTorch 1.13 in float64 (single-tensor path, foreach=False).
/// Tensors of 33 elements run a Vector&lt;T&gt; body and a scalar tail; 1,025 elements with a parallel threshold of
/// 1,024 run the multi-threaded path.
/// </summary>
public class OptimizersMutationGapTests
{
    private static readonly Lazy<JsonDocument> s_document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "torch-optim-flags.json"))));

    public static TheoryData<string> Configurations()
    {
        var data = new TheoryData<string>();
        foreach (var entry in s_document.Value.RootElement.GetProperty("optimizers").EnumerateArray())
        {
            data.Add(entry.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Step_Double_MatchesTorchWithin1e10(string name)
    {
        var entry = Entry(name);
        var (parameter, optimizer) = Create<double>(entry);
        var expected = entry.GetProperty("float64");
        for (var step = 1; step <= 10; step++)
        {
            Advance(parameter, optimizer, step);
            Check(expected, step, parameter, 1e-10, name);
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Step_Float_MatchesTorchWithin1e4(string name)
    {
        var entry = Entry(name);
        var (parameter, optimizer) = Create<float>(entry);
        var expected = entry.GetProperty("float64");
        for (var step = 1; step <= 10; step++)
        {
            Advance(parameter, optimizer, step);
            Check(expected, step, parameter, 1e-4, name);
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void SaveLoad_AfterThreeSteps_FreshOptimizerReachesTorchStep10(string name)
    {
        // The state (moments, amsgrad maxima, NAdam's μ product, Adagrad's sums, step counts) is all that carries
        // the run across: a fresh optimizer that loads it must land on torch's step 10.
        var entry = Entry(name);
        var (first, firstOptimizer) = Create<double>(entry);
        for (var step = 1; step <= 3; step++)
        {
            Advance(first, firstOptimizer, step);
        }

        using var state = new MemoryStream();
        firstOptimizer.SaveState(state);
        state.Position = 0;
        var (second, secondOptimizer) = Create<double>(entry);
        first.Values.CopyTo(second.Values);
        secondOptimizer.LoadState(state);
        Assert.Equal(3, secondOptimizer.StepCount);
        for (var step = 4; step <= 10; step++)
        {
            Advance(second, secondOptimizer, step);
        }

        Check(entry.GetProperty("float64"), 10, second, 1e-10, name);
    }

    private static JsonElement Entry(string name) =>
        s_document.Value.RootElement.GetProperty("optimizers").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    private static (Parameter<T> Parameter, Optimizer<T> Optimizer) Create<T>(JsonElement entry)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var n = entry.GetProperty("length").GetInt32();
        var parameter = new Parameter<T>("w", Enumerable.Range(0, n).Select(static i => T.CreateChecked(Math.Cos(i))).ToArray());
        var h = entry.GetProperty("hyperparameters");
        double Get(string key, double fallback) => h.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        bool Flag(string key) => h.TryGetProperty(key, out var v) && v.GetBoolean();
        double Beta(int index, double fallback) => h.TryGetProperty("betas", out var v) ? v[index].GetDouble() : fallback;
        var ps = new[] { parameter };
        var lr = Get("lr", double.NaN);
        var wd = Get("weight_decay", 0);
        var max = Flag("maximize");
        Optimizer<T> optimizer = entry.GetProperty("optimizer").GetString() switch
        {
            "SGD" => new Sgd<T>(ps, lr, Get("momentum", 0), Get("dampening", 0), wd, Flag("nesterov")) { Maximize = max },
            "Adam" => new Adam<T>(ps, lr, Beta(0, 0.9), Beta(1, 0.999), Get("eps", 1e-8), wd, Flag("amsgrad")) { Maximize = max },

            // torch's AdamW default weight decay (0.01) applies when the entry names none.
            "AdamW" => new AdamW<T>(ps, lr, Beta(0, 0.9), Beta(1, 0.999), Get("eps", 1e-8), Get("weight_decay", 0.01), Flag("amsgrad")) { Maximize = max },
            "NAdam" => new NAdam<T>(ps, lr, Beta(0, 0.9), Beta(1, 0.999), Get("eps", 1e-8), wd, Get("momentum_decay", 4e-3)) { Maximize = max },
            "RAdam" => new RAdam<T>(ps, lr, Beta(0, 0.9), Beta(1, 0.999), Get("eps", 1e-8), wd) { Maximize = max },
            "Adamax" => new Adamax<T>(ps, lr, Beta(0, 0.9), Beta(1, 0.999), Get("eps", 1e-8), wd) { Maximize = max },
            "Adagrad" => new Adagrad<T>(ps, lr, Get("lr_decay", 0), wd, Get("initial_accumulator_value", 0), Get("eps", 1e-10)) { Maximize = max },
            "Adadelta" => new Adadelta<T>(ps, lr, Get("rho", 0.9), Get("eps", 1e-6), wd) { Maximize = max },
            "RMSprop" => new RmsProp<T>(ps, lr, Get("alpha", 0.99), Get("eps", 1e-8), wd, Get("momentum", 0), Flag("centered")) { Maximize = max },
            var other => throw new InvalidOperationException($"No mapping for {other}."),
        };

        if (n > 1000)
        {
            optimizer.ParallelThreshold = 1024;
        }

        Assert.Equal(max, optimizer.Maximize);
        return (parameter, optimizer);
    }

    private static void Advance<T>(Parameter<T> parameter, IOptimizer<T> optimizer, int step)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var values = parameter.Values;
        var gradient = parameter.Gradient;
        for (var i = 0; i < values.Length; i++)
        {
            var x = double.CreateChecked(values[i]);
            gradient[i] = T.CreateChecked(((0.5 + (i % 5)) * (x - Math.Sin(1.7 * i))) + (0.3 * Math.Sin((0.7 * step) + i)));
        }

        optimizer.Step();
    }

    private static void Check<T>(JsonElement expected, int step, Parameter<T> parameter, double tolerance, string name)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!expected.TryGetProperty(step.ToString(CultureInfo.InvariantCulture), out var values))
        {
            return;
        }

        var actual = parameter.Values.ToArray().Select(double.CreateChecked).ToArray();
        var error = Reference.RelativeError(actual, Reference.Doubles(values));
        Assert.True(error <= tolerance, $"{name} step {step}: relative error {error:E3} > {tolerance:E0}");
    }
}
