namespace LlmCore.Commercialization.Serving.Internal;

/// <summary>
/// One serving replica: a waiting queue, the running batch and a paged KV cache, advanced one iteration at a time.
/// <see cref="Plan"/> decides the next iteration without changing anything; <see cref="Apply"/> commits it at its end
/// time, and only if nothing changed in between (the plan/apply shape of <c>LlmCore.Scheduling.SchedulingEngine</c>).
/// Time is always passed in, so one engine serves the simulator's event loop. Not thread-safe.
/// </summary>
internal sealed class ReplicaEngine
{
    private readonly RequestTable _r;
    private readonly IterationTimeModel _model;
    private readonly IndexDeque _waiting = new();
    private readonly List<int> _running = [];
    private readonly IterationPlan _plan = new();
    private readonly bool _handOffAfterPrefill;
    private readonly int _maxBatch;
    private readonly int _budget;
    private readonly int _blockSize;
    private readonly BatchingPolicy _policy;
    private readonly bool _reserveFullSequence;
    private long _version;
    private long _reservedBlocks;

    public ReplicaEngine(int index, RequestTable requests, IterationTimeModel model, ServingDeployment deployment, bool handOffAfterPrefill)
    {
        Index = index;
        _r = requests;
        _model = model;
        _handOffAfterPrefill = handOffAfterPrefill;
        _maxBatch = deployment.MaxBatch;
        _budget = deployment.TokenBudget;
        _blockSize = deployment.BlockSize;
        _policy = deployment.Batching;
        _reserveFullSequence = deployment.Admission == AdmissionPolicy.ReserveFullSequence;
        CapacityBlocks = model.KvCapacityBlocks;
    }

    public int Index { get; }

    public long CapacityBlocks { get; }

    public long UsedBlocks { get; private set; }

    /// <summary>Gets the blocks in use during the last applied iteration (before finished requests released theirs).</summary>
    public long PeakUsedBlocks { get; private set; }

    /// <summary>Gets the requests waiting or running here.</summary>
    public int Outstanding => _waiting.Count + _running.Count;

    public bool HasWork => Outstanding > 0;

    public long Version => _version;

    public int BlocksFor(int tokens) => (tokens + _blockSize - 1) / _blockSize;

    /// <summary>Queues a request at the back. A plan in flight stays valid: it admits from the head of the queue.</summary>
    public void Enqueue(int request) => _waiting.PushBack(request);

    /// <summary>Decides the next iteration from the current state; changes nothing.</summary>
    public IterationPlan Plan()
    {
        _plan.Reset(_version);
        if (_policy == BatchingPolicy.PrefillFirst && TryPlanPrefillOnly())
        {
            _plan.Seconds = _model.Seconds(in _plan.Load);
            return _plan;
        }

        var budget = _budget;
        var free = CapacityBlocks - UsedBlocks;
        var end = _running.Count; // running[end..] are preempted in this plan
        for (var i = 0; i < end && budget > 0; i++)
        {
            var id = _running[i];
            var remaining = _r.Target[id] - _r.Prefilled[id];
            if (_policy == BatchingPolicy.PrefillFirst && remaining > 0)
            {
                continue;
            }

            var tokens = remaining > 0 ? Math.Min(remaining, budget) : 1;
            long need = BlocksFor(_r.Cached[id] + tokens) - _r.Blocks[id];
            var preemptedSelf = false;
            while (need > free)
            {
                if (end - 1 > i)
                {
                    end--;
                    var victim = _running[end];
                    _plan.Preempt(victim);
                    free += _r.Blocks[victim];
                }
                else
                {
                    _plan.Preempt(id);
                    free += _r.Blocks[id];
                    end = i;
                    preemptedSelf = true;
                    break;
                }
            }

            if (preemptedSelf)
            {
                break;
            }

            free -= need;
            budget -= tokens;
            Schedule(id, tokens);
        }

        // Admission control: new requests only when nothing was preempted, within the batch limit, and only when the
        // KV cache has room for the whole prefill (prompt, or prompt + generated tokens to recompute).
        var batch = end;
        if (_plan.Victims.Count == 0)
        {
            var reservable = CapacityBlocks - _reservedBlocks;
            for (var k = 0; k < _waiting.Count && budget > 0 && batch < _maxBatch; k++)
            {
                var id = _waiting[k];
                var remaining = _r.Target[id] - _r.Prefilled[id];
                if (_policy == BatchingPolicy.PrefillFirst && remaining > 0)
                {
                    break;
                }

                var tokens = remaining > 0 ? Math.Min(remaining, budget) : 1;
                if (!TryAdmit(id, tokens, ref free, ref reservable))
                {
                    break;
                }

                budget -= tokens;
                batch++;
                Schedule(id, tokens);
            }
        }

        _plan.Seconds = _model.Seconds(in _plan.Load);
        return _plan;
    }

    /// <summary>Commits <paramref name="plan"/> at <paramref name="endTime"/>.</summary>
    /// <param name="plan">A plan from <see cref="Plan"/> on the current state.</param>
    /// <param name="endTime">When the iteration ends.</param>
    /// <param name="completed">Receives the requests that finished.</param>
    /// <param name="handedOff">Receives the prefilled requests that leave for a decode replica (disaggregated serving).</param>
    /// <exception cref="InvalidOperationException">The state changed after the plan was computed.</exception>
    public void Apply(IterationPlan plan, double endTime, List<int> completed, List<int> handedOff)
    {
        if (!ReferenceEquals(plan, _plan) || plan.Version != _version)
        {
            throw new InvalidOperationException("The replica's state changed after the plan was computed; plan again.");
        }

        var victims = plan.Victims;
        for (var v = 0; v < victims.Count; v++)
        {
            var id = victims[v];
            Release(id);
            _r.Cached[id] = 0;
            _r.Prefilled[id] = 0;
            _r.Target[id] = _r.Input[id] + _r.Generated[id];
            _r.Preemptions[id]++;
            _reservedBlocks -= Reservation(id);
            _running.Remove(id);
        }

        // Victims go back to the head of the queue, the earliest admitted first.
        for (var v = 0; v < victims.Count; v++)
        {
            _waiting.PushFront(victims[v]);
        }

        for (var k = 0; k < plan.Admitted; k++)
        {
            // After the victims (none when anything was admitted) the admitted requests are at the head.
            var admitted = _waiting.PopFront();
            _reservedBlocks += Reservation(admitted);
            _running.Add(admitted);
        }

        var completedStart = completed.Count;
        var handedOffStart = handedOff.Count;

        // The iteration's KV cache is allocated while it runs: the peak is before anything leaves.
        for (var s = 0; s < plan.Requests.Count; s++)
        {
            var id = plan.Requests[s];
            var blocks = BlocksFor(_r.Cached[id] + plan.Tokens[s]);
            UsedBlocks += blocks - _r.Blocks[id];
            _r.Blocks[id] = blocks;
            _r.Cached[id] += plan.Tokens[s];
        }

        PeakUsedBlocks = UsedBlocks;
        for (var s = 0; s < plan.Requests.Count; s++)
        {
            var id = plan.Requests[s];
            var tokens = plan.Tokens[s];
            var fromPrefill = false;
            if (_r.Prefilled[id] < _r.Target[id])
            {
                _r.Prefilled[id] += tokens;
                if (_r.Prefilled[id] < _r.Target[id])
                {
                    continue;
                }

                fromPrefill = true;
            }

            // The iteration emits a token: the last prefill chunk samples the next token, as a decode step does.
            _r.Generated[id]++;
            if (double.IsNaN(_r.FirstToken[id]))
            {
                _r.FirstToken[id] = endTime;
                _r.FirstReplica[id] = Index;
            }

            if (_r.Generated[id] >= _r.Output[id])
            {
                _r.Completion[id] = endTime;
                Release(id);
                _r.Blocks[id] = -1;
                completed.Add(id);
            }
            else if (_handOffAfterPrefill && fromPrefill)
            {
                Release(id);
                _r.Blocks[id] = -1;
                handedOff.Add(id);
            }
        }

        if (completed.Count > completedStart || handedOff.Count > handedOffStart)
        {
            // Compact the running batch in place, keeping admission order; -1 marks the requests that left.
            var kept = 0;
            for (var i = 0; i < _running.Count; i++)
            {
                var id = _running[i];
                if (_r.Blocks[id] >= 0)
                {
                    _running[kept++] = id;
                }
                else
                {
                    _r.Blocks[id] = 0;
                    _reservedBlocks -= Reservation(id);
                }
            }

            _running.RemoveRange(kept, _running.Count - kept);
        }

        _version++;
    }

    private bool TryPlanPrefillOnly()
    {
        // vLLM V0: while waiting prompts can be admitted, an iteration prefills whole prompts and runs no decodes.
        var budget = _budget;
        var free = CapacityBlocks - UsedBlocks;
        var reservable = CapacityBlocks - _reservedBlocks;
        var batch = _running.Count;
        for (var k = 0; k < _waiting.Count && batch < _maxBatch; k++)
        {
            var id = _waiting[k];
            var tokens = _r.Target[id] - _r.Prefilled[id];
            if (tokens <= 0 || (tokens > budget && _plan.Admitted > 0) || !TryAdmit(id, tokens, ref free, ref reservable))
            {
                break;
            }

            budget -= tokens;
            batch++;
            Schedule(id, tokens);
        }

        return _plan.Admitted > 0;
    }

    /// <summary>
    /// Admission control: under <see cref="AdmissionPolicy.ReservePrompt"/> the free blocks must hold the whole prefill
    /// (prompt, or prompt + generated tokens to recompute); under <see cref="AdmissionPolicy.ReserveFullSequence"/> the
    /// blocks not yet promised to running requests must hold prompt + output.
    /// </summary>
    private bool TryAdmit(int id, int tokens, ref long free, ref long reservable)
    {
        long need = BlocksFor(_r.Cached[id] + tokens) - _r.Blocks[id];
        if (need > free)
        {
            return false;
        }

        if (_reserveFullSequence)
        {
            var reservation = Reservation(id);
            if (reservation > reservable)
            {
                return false;
            }

            reservable -= reservation;
        }
        else if (BlocksFor(Math.Max(_r.Target[id], _r.Cached[id] + 1)) - _r.Blocks[id] > free)
        {
            return false;
        }

        free -= need;
        _plan.Admitted++;
        return true;
    }

    /// <summary>The blocks promised to a running request under <see cref="AdmissionPolicy.ReserveFullSequence"/>: its whole
    /// sequence (I + O − 1 tokens), or only the prompt on a replica that hands requests off after prefill.</summary>
    private long Reservation(int id) => !_reserveFullSequence
        ? 0
        : BlocksFor(_handOffAfterPrefill ? _r.Input[id] : _r.Input[id] + _r.Output[id] - 1);

    private void Schedule(int id, int tokens)
    {
        if (_r.Prefilled[id] < _r.Target[id])
        {
            _plan.Load.AddChunk(_r.Cached[id], tokens);
        }
        else
        {
            _plan.Load.AddDecode(_r.Cached[id]);
        }

        _plan.Schedule(id, tokens);
    }

    private void Release(int id)
    {
        UsedBlocks -= _r.Blocks[id];
        _r.Blocks[id] = 0;
    }
}
