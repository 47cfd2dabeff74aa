using System.Numerics;
using System.Text.Json;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Optimizers;

/// <summary>
/// Every configuration of tests/reference/optimizer-trajectories.json ("optimizers"), after 1, 2, 3, 10 and 100 steps.
/// Source: the file's float64 values (IEEE double in PyTorch's operation order: torch/optim/*.py single-tensor paths;
/// Lion after lucidrains/lion-pytorch; LAMB after optax/_src/alias.py::lamb) and its mpmath60 values for float.
/// Relative error is max-abs error over max-abs expected value.
/// </summary>
public class TrajectoryTests
{
    private static readonly int[] s_checkpoints = [1, 2, 3, 10, 100];

    public static TheoryData<string> Configurations()
    {
        var data = new TheoryData<string>();
        foreach (var name in Reference.OptimizerNames)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Step_Double_MatchesReferenceWithin1e9(string name)
    {
        var entry = Reference.Optimizer(name);
        var expected = entry.GetProperty("float64");
        var run = Run<double>(entry);

        // The file warns that adafactor_defaults_vector amplifies rounding by ~2.7× per step after step 30
        // (float64 vs mpmath60 differ by 2.3e-4 at step 100): its step 100 is checked at that looser bound.
        var warning = entry.TryGetProperty("warning", out _);
        foreach (var step in s_checkpoints)
        {
            var tolerance = warning && step == 100 ? 1e-3 : 1e-9;
            var error = Reference.RelativeError(run[step], Reference.Doubles(expected.GetProperty(step.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.True(error <= tolerance, $"{name} step {step}: relative error {error:E3} > {tolerance:E0}");
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Step_Float_MatchesReferenceWithin1e4(string name)
    {
        var entry = Reference.Optimizer(name);
        var expected = entry.GetProperty("mpmath60");
        var run = Run<float>(entry);
        var warning = entry.TryGetProperty("warning", out _);
        foreach (var step in s_checkpoints)
        {
            if (warning && step == 100)
            {
                continue; // See the double test: the reference itself is only good to 2.3e-4 there.
            }

            var error = Reference.RelativeError(run[step], Reference.Doubles(expected.GetProperty(step.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.True(error <= 1e-4, $"{name} step {step}: relative error {error:E3} > 1e-4");
        }
    }

    internal static IOptimizer<T> Create<T>(JsonElement entry, Parameter<T> parameter)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var h = entry.GetProperty("hyperparameters");
        double Get(string key, double fallback) => h.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        bool Flag(string key) => h.TryGetProperty(key, out var v) && v.GetBoolean();
        var ps = new[] { parameter };
        return entry.GetProperty("optimizer").GetString() switch
        {
            "SGD" => new Sgd<T>(ps, Get("lr", 1e-3), Get("momentum", 0), Get("dampening", 0), Get("weight_decay", 0), Flag("nesterov")),
            "Adam" => new Adam<T>(ps, Get("lr", 1e-3), weightDecay: Get("weight_decay", 0), amsGrad: Flag("amsgrad"), decoupledWeightDecay: Flag("decoupled")),
            "RMSprop" => new RmsProp<T>(ps, Get("lr", 1e-2), momentum: Get("momentum", 0), centered: Flag("centered")),
            "Adagrad" => new Adagrad<T>(ps, Get("lr", 1e-2)),
            "Lion" => new Lion<T>(ps, Get("lr", 1e-4)),
            "Lamb" => new Lamb<T>(ps, Get("lr", 1e-3), weightDecay: Get("weight_decay", 0)),

            // eps1 = None is finfo(float32).eps in the reference ("eps1=None -> float32 eps 2^-23 used here").
            "Adafactor" => new Adafactor<T>(ps, Get("lr", 1e-2), epsilon1: Math.Pow(2, -23)),
            "Muon" => new Muon<T>(ps, Get("lr", 1e-3)),
            var other => throw new InvalidOperationException($"No mapping for {other}."),
        };
    }

    internal static Func<double[], double[]> Gradient(string problem) => problem switch
    {
        "rosenbrock2d" => static x => [(-2 * (1 - x[0])) - (400 * x[0] * (x[1] - (x[0] * x[0]))), 200 * (x[1] - (x[0] * x[0]))],
        "quadratic2d" => static x => [x[0], 10 * x[1]],
        "matrix2x3" => static x => [x[0] - 1, x[1] + 2, x[2] - 0.5, x[3], x[4] - 3, x[5] + 1],
        _ => throw new InvalidOperationException(problem),
    };

    private static Dictionary<int, double[]> Run<T>(JsonElement entry)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var problem = entry.GetProperty("problem").GetString()!;
        var definition = Reference.Root.GetProperty("problems").GetProperty(problem);
        var x0 = Reference.Doubles(definition.GetProperty("x0"));
        var shape = definition.GetProperty("shape").EnumerateArray().Select(static e => e.GetInt32()).ToArray();
        var parameter = new Parameter<T>("w", x0.Select(T.CreateChecked).ToArray(), shape);
        var optimizer = Create(entry, parameter);
        var gradient = Gradient(problem);
        var result = new Dictionary<int, double[]>();
        for (var step = 1; step <= 100; step++)
        {
            var x = parameter.Values.ToArray().Select(double.CreateChecked).ToArray();
            var g = gradient(x);
            for (var i = 0; i < g.Length; i++)
            {
                parameter.Gradient[i] = T.CreateChecked(g[i]);
            }

            optimizer.Step();
            result[step] = parameter.Values.ToArray().Select(double.CreateChecked).ToArray();
        }

        return result;
    }
}
