namespace LlmCore.Commercialization.Serving.Internal;

/// <summary>The state of every request of a simulation, as parallel arrays indexed by request (arrival order).</summary>
internal sealed class RequestTable
{
    public RequestTable(IReadOnlyList<ServingRequest> requests)
    {
        var n = requests.Count;
        Arrival = new double[n];
        Input = new int[n];
        Output = new int[n];
        Target = new int[n];
        Prefilled = new int[n];
        Cached = new int[n];
        Generated = new int[n];
        Blocks = new int[n];
        FirstToken = new double[n];
        Completion = new double[n];
        Preemptions = new int[n];
        FirstReplica = new int[n];
        for (var i = 0; i < n; i++)
        {
            var r = requests[i];
            Arrival[i] = r.ArrivalSeconds;
            Input[i] = r.InputTokens;
            Output[i] = r.OutputTokens;
            Target[i] = r.InputTokens;
            FirstToken[i] = double.NaN;
            Completion[i] = double.NaN;
            FirstReplica[i] = -1;
        }
    }

    public int Count => Arrival.Length;

    public double[] Arrival { get; }

    public int[] Input { get; }

    public int[] Output { get; }

    /// <summary>Tokens to prefill before the request decodes: the prompt, or prompt + generated tokens after a preemption.</summary>
    public int[] Target { get; }

    /// <summary>Tokens of <see cref="Target"/> already prefilled.</summary>
    public int[] Prefilled { get; }

    /// <summary>Tokens whose keys and values are in the KV cache (of the replica the request is on, or in transit).</summary>
    public int[] Cached { get; }

    public int[] Generated { get; }

    /// <summary>KV-cache blocks allocated on the current replica.</summary>
    public int[] Blocks { get; }

    public double[] FirstToken { get; }

    public double[] Completion { get; }

    public int[] Preemptions { get; }

    public int[] FirstReplica { get; }
}
