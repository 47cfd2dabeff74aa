using System.Numerics;
using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Auditing;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;

namespace LlmCore.Cli.Commands.Train;

/// <summary>
/// <c>--audit-canaries M</c>: the white-box one-run audit (Steinke, Nasr and Jagielski 2023) wired into DP-SGD as
/// docs/privacy.md describes. Before each step's noise, every included canary joins the batch with the Poisson rate q
/// and adds C·e_c to the clipped sum (<see cref="GradientCanaryAudit.AddPoissonSampled(Span{double}, double, IRandomSource)"/>),
/// then the private transform adds the noise and divides; after training each canary is scored by C·(θ₀[c] − θ_T[c]).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// The canary coordinates index the model's trainable parameters flattened in model order. The canaries' sum is formed
/// in a d-long buffer that stays zero between steps, and only their m coordinates are added to the gradients, so a step
/// costs O(m) beyond the audit's random bits. This type is not thread-safe: one training loop uses it at a time.
/// </remarks>
internal sealed class CanaryAuditTransform<T> : IGradientTransform<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly PrivateGradientTransform<T> _inner;
    private readonly Parameter<T>[] _trainable;
    private readonly (int Parameter, int Offset)[] _places;
    private readonly double _sampleRate;
    private readonly IRandomSource _source;
    private readonly double[] _canarySum;

    private CanaryAuditTransform(PrivateGradientTransform<T> inner, Parameter<T>[] trainable, GradientCanaryAudit audit, double sampleRate, IRandomSource source)
    {
        _inner = inner;
        _trainable = trainable;
        Audit = audit;
        _sampleRate = sampleRate;
        _source = source;
        _canarySum = new double[audit.ParameterCount];
        var starts = new int[trainable.Length];
        for (int p = 0, start = 0; p < trainable.Length; start += trainable[p].Length, p++)
        {
            starts[p] = start;
        }

        _places = new (int, int)[audit.Plan.CanaryCount];
        for (var c = 0; c < _places.Length; c++)
        {
            var coordinate = audit.CoordinateOf(c);
            var index = Array.BinarySearch(starts, coordinate);
            var p = index >= 0 ? index : ~index - 1;
            _places[c] = (p, coordinate - starts[p]);
        }
    }

    /// <summary>Gets the audit (plan and canary coordinates).</summary>
    public GradientCanaryAudit Audit { get; }

    /// <inheritdoc />
    public IExampleWeighting<T>? ExampleWeighting => _inner.ExampleWeighting;

    /// <inheritdoc />
    public ClippingMode ClippingMode => _inner.ClippingMode;

    /// <summary>Creates the audit over the trainable parameters of <paramref name="parameters"/>, refusing more canaries than coordinates.</summary>
    public static CanaryAuditTransform<T> Create(PrivateGradientTransform<T> inner, IReadOnlyList<Parameter<T>> parameters, int canaries, double clippingNorm, double sampleRate, IRandomSource source)
    {
        var trainable = parameters.Where(static p => p.RequiresGrad).ToArray();
        var dimension = trainable.Sum(static p => (long)p.Length);
        if (canaries > dimension)
        {
            throw CliUsageException.ForOption("--audit-canaries", $"must be at most the model's {dimension} trainable parameters (each canary needs a coordinate of its own)", canaries);
        }

        if (dimension > int.MaxValue)
        {
            throw CliUsageException.ForOption("--audit-canaries", $"needs a model of at most {int.MaxValue} trainable parameters", dimension);
        }

        var plan = OneRunAuditPlan.Create(canaries, source);
        var audit = new GradientCanaryAudit(plan, (int)dimension, clippingNorm, source);
        return new CanaryAuditTransform<T>(inner, trainable, audit, sampleRate, source);
    }

    /// <summary>The trainable parameters, flattened in model order, as doubles (θ₀ before training).</summary>
    public double[] Snapshot()
    {
        var values = new double[Audit.ParameterCount];
        var at = 0;
        foreach (var parameter in _trainable)
        {
            foreach (var value in parameter.Values)
            {
                values[at++] = double.CreateTruncating(value);
            }
        }

        return values;
    }

    /// <summary>The canaries' scores against the parameters before training.</summary>
    public double[] Score(double[] initial) => Audit.Score(initial, Snapshot());

    /// <inheritdoc />
    public void Apply(IReadOnlyList<Parameter<T>> parameters, in GradientTransformContext context)
    {
        if (Audit.AddPoissonSampled(_canarySum, _sampleRate, _source) > 0)
        {
            for (var c = 0; c < _places.Length; c++)
            {
                var coordinate = Audit.CoordinateOf(c);
                var value = _canarySum[coordinate];
                if (value != 0)
                {
                    var (p, offset) = _places[c];
                    _trainable[p].Gradient[offset] += T.CreateTruncating(value);
                    _canarySum[coordinate] = 0;
                }
            }
        }

        _inner.Apply(parameters, context);
    }
}
