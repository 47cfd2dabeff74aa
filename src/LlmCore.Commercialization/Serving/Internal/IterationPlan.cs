namespace LlmCore.Commercialization.Serving.Internal;

/// <summary>
/// One iteration a <see cref="ReplicaEngine"/> intends to run: which requests get how many tokens, which running
/// requests are preempted, how many waiting ones are admitted, and how long it takes. Computing it changes nothing;
/// <see cref="ReplicaEngine.Apply"/> commits it. The engine reuses one instance, so a plan is valid until the next
/// <see cref="ReplicaEngine.Plan"/>.
/// </summary>
internal sealed class IterationPlan
{
    private readonly List<int> _requests = [];
    private readonly List<int> _tokens = [];
    private readonly List<int> _victims = [];

    /// <summary>Gets the engine's state version the plan was computed on.</summary>
    public long Version { get; private set; }

    /// <summary>Gets the requests that get tokens, in scheduling order.</summary>
    public IReadOnlyList<int> Requests => _requests;

    /// <summary>Gets the tokens of each scheduled request (1 for a decode, the chunk for a prefill).</summary>
    public IReadOnlyList<int> Tokens => _tokens;

    /// <summary>Gets the running requests to preempt (latest admitted first).</summary>
    public IReadOnlyList<int> Victims => _victims;

    /// <summary>Gets how many requests at the head of the waiting queue are admitted.</summary>
    public int Admitted { get; set; }

    /// <summary>Gets the load of the iteration.</summary>
    public IterationLoad Load;

    /// <summary>Gets the duration of the iteration, seconds.</summary>
    public double Seconds { get; set; }

    /// <summary>Gets a value indicating whether the plan does anything.</summary>
    public bool IsEmpty => _requests.Count == 0 && _victims.Count == 0;

    public void Reset(long version)
    {
        Version = version;
        _requests.Clear();
        _tokens.Clear();
        _victims.Clear();
        Admitted = 0;
        Load = default;
        Seconds = 0;
    }

    public void Schedule(int request, int tokens)
    {
        _requests.Add(request);
        _tokens.Add(tokens);
    }

    public void Preempt(int request) => _victims.Add(request);
}
