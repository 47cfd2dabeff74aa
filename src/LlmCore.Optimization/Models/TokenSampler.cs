using System.Numerics;
using LlmCore.Optimization.Layers.Sequence;

namespace LlmCore.Optimization.Models;

/// <summary>
/// Picks a token from one position's logits: argmax at temperature 0, else a draw from softmax(z/τ) over the top k,
/// with uniforms from a SplitMix64 stream of the seed (stable across .NET versions). Not thread-safe.
/// </summary>
internal sealed class TokenSampler
{
    private readonly double _temperature;
    private readonly int? _topK;
    private readonly double[] _scaled;
    private readonly double[] _sorted;
    private ulong _state;

    public TokenSampler(GenerationOptions options, int vocabulary)
    {
        _temperature = options.Temperature;
        _topK = options.TopK;
        _state = unchecked((ulong)options.Seed);
        _scaled = new double[vocabulary];
        _sorted = new double[vocabulary];
    }

    public int Next<T>(ReadOnlySpan<T> logits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var v = _scaled.Length;
        if (_temperature == 0)
        {
            var best = 0;
            for (var i = 1; i < v; i++)
            {
                if (logits[i] > logits[best])
                {
                    best = i;
                }
            }

            return best;
        }

        var max = double.NegativeInfinity;
        for (var i = 0; i < v; i++)
        {
            _scaled[i] = double.CreateTruncating(logits[i]) / _temperature;
            max = Math.Max(max, _scaled[i]);
        }

        var threshold = double.NegativeInfinity;
        if (_topK is { } k && k < v)
        {
            _scaled.CopyTo(_sorted, 0);
            Array.Sort(_sorted);
            threshold = _sorted[v - k];
        }

        var sum = 0.0;
        for (var i = 0; i < v; i++)
        {
            _scaled[i] = _scaled[i] >= threshold ? Math.Exp(_scaled[i] - max) : 0;
            sum += _scaled[i];
        }

        var target = NextUniform() * sum;
        var cumulative = 0.0;
        var last = 0;
        for (var i = 0; i < v; i++)
        {
            if (_scaled[i] > 0)
            {
                cumulative += _scaled[i];
                last = i;
                if (target < cumulative)
                {
                    return i;
                }
            }
        }

        return last;
    }

    private double NextUniform()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return (DropoutMask.Mix(_state) >> 11) * (1.0 / (1UL << 53));
    }
}
