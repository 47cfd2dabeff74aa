using System.Globalization;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Serving.Internal;

namespace LlmCore.Commercialization.Serving;

/// <summary>
/// A request-level, discrete-event simulator of LLM serving: arrivals, a router over replicas, continuous batching
/// with chunked prefill under a token budget, a paged KV cache with admission control and preemption by recomputation,
/// tensor and pipeline parallelism, and optional prefill/decode disaggregation.
/// </summary>
/// <remarks>
/// <para><b>Replica.</b> Each replica keeps a FIFO waiting queue and a running batch. Per iteration
/// (<see cref="BatchingPolicy.ChunkedPrefill"/>): every running request gets its tokens in admission order — one for a
/// decode, a chunk of the remaining prompt otherwise — within <see cref="ServingDeployment.TokenBudget"/>; then waiting
/// requests are admitted in order while the batch is below <see cref="ServingDeployment.MaxBatch"/>, budget remains and
/// the KV cache has free blocks for the whole prompt (admission control). When a running request needs a block and none is
/// free, the latest admitted running request is preempted: its blocks are freed and it re-enters the head of the queue
/// to recompute prompt and generated tokens later (vLLM's recompute preemption). The last prefill chunk samples the first
/// token. A request of I + O tokens holds at most I + O − 1 tokens of KV cache.</para>
/// <para><b>Iteration time</b> of a replica of t × p GPUs (after LLM-Viewer's and GenZ's operator rooflines and Pope et
/// al. 2022), for T new tokens in S sequences with m = min(p, S) micro-batches:
/// linear layers c = 2·N_act·T/(m·t·P·η_c) against m = W_read/(t·BW·η_m); attention c = 4·L·h·Σ(keys per new token)/(m·t·P·η_c)
/// against m = K·Σ(KV tokens read or written)/(m·t·BW·η_m); each class takes max(c, m) + (1 − overlap)·min(c, m).
/// Tensor parallelism adds 2·L all-reduces per iteration of (T/m)·h·2 bytes, each α + 2(t − 1)/t · bytes / (link/2 · η_link)
/// (link: <see cref="ServingDeployment.InterconnectBytesPerSecond"/>, by default the GPU's);
/// pipeline parallelism adds (p − 1) sends of the same message; a fixed overhead is added per iteration, and, when the
/// deployment streams tokens (<see cref="ServingDeployment.StreamTokens"/>), <see cref="ServingEfficiency.StreamingSecondsPerSequence"/>
/// per sequence of the batch. N_act: active
/// parameters; W_read: weight bytes (for mixture of experts the expected share of experts touched); L layers; h = heads ×
/// head dimension; K KV bytes per token; P the dense peak of the weight precision (INT4 weights run at the 16-bit peak);
/// BW the memory bandwidth. The factors η are calibrated per GPU on published measurements (docs/commercialization.md).</para>
/// <para><b>Memory.</b> KV-cache tokens = ⌊fraction × (t·p·memory − weights)/K⌋ (TensorRT-LLM's
/// <c>kv_cache_free_gpu_mem_fraction</c>), in blocks of <see cref="ServingDeployment.BlockSize"/> tokens (PagedAttention,
/// Kwon et al. 2023).</para>
/// <para><b>Disaggregation.</b> Prefill replicas emit the first token and hand the request off; its KV cache (cached tokens ×
/// K bytes) moves in bytes / <see cref="ServingDeployment.KvTransferBytesPerSecond"/> seconds (transfers do not contend);
/// the router then places it on a decode replica, where it waits for admission like any request.</para>
/// <para><b>Routing</b> (<see cref="ServingDeployment.Routing"/>): to the replica with the fewest requests waiting or running,
/// or in turn; or, with <see cref="RoutingPolicy.SharedQueue"/>, no router: arrivals wait in one queue per pool and a
/// replica takes the oldest, as many as its batch has room for, whenever it plans an iteration (an idle one at once).</para>
/// <para><b>Front batcher</b> (<see cref="ServingDeployment.FrontBatcher"/>, optional): arrivals wait in a batcher that
/// releases them together to one replica when it holds <see cref="RequestBatcher.MaxRequests"/> or its timeout has
/// passed since the previous release (AMD's MLPerf harness); TTFT includes the wait.</para>
/// <para><b>Events.</b> Arrivals, iteration ends, transfer ends and batcher deadlines; at equal times iteration ends come
/// first, then transfers, then batcher deadlines, then arrivals, and idle replicas plan their next iteration (in index order) only after every event of that
/// instant, so requests that arrive together share a batch and a run is deterministic. The simulator has its own event
/// loop (the package does not depend on LlmCore.Scheduling).</para>
/// <para>Peer: Vidur (Agrawal et al., MLSys 2024) simulates the same stack with profiled operator times; this simulator
/// uses the analytic roofline instead, calibrated on published throughput (docs/commercialization.md).</para>
/// <para>This type is immutable and thread-safe; each <see cref="Simulate"/> call has its own state.</para>
/// </remarks>
public sealed class ServingSimulator : IServingSimulator
{
    /// <summary>Creates a simulator over the built-in <see cref="GpuCatalog.Default"/>.</summary>
    public ServingSimulator()
        : this(GpuCatalog.Default)
    {
    }

    /// <summary>Creates a simulator over <paramref name="gpus"/>.</summary>
    /// <param name="gpus">The GPU catalogue deployments name GPUs from.</param>
    /// <exception cref="ArgumentNullException"><paramref name="gpus"/> is <see langword="null"/>.</exception>
    public ServingSimulator(GpuCatalog gpus)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        Gpus = gpus;
    }

    /// <summary>Gets the GPU catalogue.</summary>
    public GpuCatalog Gpus { get; }

    /// <summary>Describes the memory layout of one replica of <paramref name="deployment"/>.</summary>
    /// <param name="deployment">The deployment.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="deployment"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="UnknownGpuException">The catalogue has no such GPU.</exception>
    public ServingReplicaProfile Profile(ServingDeployment deployment)
    {
        var (gpu, model) = Prepare(deployment);
        return new ServingReplicaProfile(gpu.MemoryBytes, model.WeightBytesPerGpu, model.KvBytesPerToken, model.KvCapacityTokens, model.KvCapacityBlocks > 0);
    }

    /// <summary>Runs <paramref name="workload"/> through <paramref name="deployment"/> until every request has finished.</summary>
    /// <param name="deployment">The deployment.</param>
    /// <param name="workload">The requests.</param>
    /// <param name="options">What to measure; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives the fraction of requests completed, about every 1%.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="deployment"/> or <paramref name="workload"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is invalid, the weights do not fit the replica's memory, or a request needs more KV cache than a replica holds.</exception>
    /// <exception cref="UnknownGpuException">The catalogue has no such GPU.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public ServingSimulationResult Simulate(
        ServingDeployment deployment,
        ServingWorkload workload,
        ServingSimulationOptions? options = null,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        options ??= new ServingSimulationOptions();
        options.Validate();
        var (gpu, model) = Prepare(deployment);
        CheckFits(deployment, gpu, model, workload);
        var run = new Run(deployment, model, workload, options, progress, cancellationToken);
        run.Execute();
        return run.Result(gpu, deployment.PricePerGpuHourUsd ?? GpuPrices.For(gpu.Name));
    }

    internal (GpuSpec Gpu, IterationTimeModel Model) Prepare(ServingDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        deployment.Validate();
        if (!Gpus.TryGet(deployment.Gpu, out var gpu))
        {
            throw new UnknownGpuException(deployment.Gpu, Gpus.Names, nameof(deployment));
        }

        if (deployment.WeightPrecision == NumericPrecision.Fp8 && gpu.DenseFp8FlopsPerSecond is null)
        {
            throw new ArgumentException($"FP8 weights need a GPU with FP8 units; {gpu.Name} has none.", nameof(deployment));
        }

        if (deployment.EffectiveKvCachePrecision == NumericPrecision.Fp8 && gpu.DenseFp8FlopsPerSecond is null)
        {
            throw new ArgumentException($"An FP8 KV cache needs a GPU with FP8 units; {gpu.Name} has none.", nameof(deployment));
        }

        return (gpu, new IterationTimeModel(deployment, gpu, deployment.Efficiency ?? ServingCalibration.For(gpu)));
    }

    private static void CheckFits(ServingDeployment deployment, GpuSpec gpu, IterationTimeModel model, ServingWorkload workload)
    {
        var inv = CultureInfo.InvariantCulture;
        if (model.KvCapacityBlocks <= 0)
        {
            throw new ArgumentException(string.Create(inv, $"{deployment.Model.Name} ({deployment.WeightPrecision}) does not fit {deployment.GpusPerReplica} × {gpu.Name}: {model.WeightBytesPerGpu / 1e9:F1} GB of weights per GPU leave no room for a KV cache in {gpu.MemoryBytes / 1e9:F0} GB."), nameof(deployment));
        }

        var longest = 0;
        foreach (var r in workload.Requests)
        {
            longest = Math.Max(longest, r.InputTokens + r.OutputTokens - 1);
        }

        var blocks = (longest + deployment.BlockSize - 1) / deployment.BlockSize;
        if (blocks > model.KvCapacityBlocks)
        {
            throw new ArgumentException(string.Create(inv, $"A request of {longest} tokens needs more KV cache than one replica of {deployment.GpusPerReplica} × {gpu.Name} holds ({model.KvCapacityTokens} tokens)."), nameof(workload));
        }
    }

    /// <summary>The state of one simulation run.</summary>
    private sealed class Run
    {
        private readonly ServingDeployment _deployment;
        private readonly ServingWorkload _workload;
        private readonly ServingSimulationOptions _options;
        private readonly IProgress<double>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly RequestTable _r;
        private readonly ReplicaEngine[] _replicas;
        private readonly IterationPlan?[] _inFlight;
        private readonly PriorityQueue<int, (double Time, int Replica)> _iterations = new();
        private readonly PriorityQueue<int, (double Time, int Request)> _transfers = new();
        private readonly List<int> _completed = [];
        private readonly List<int> _handedOff = [];
        private readonly List<KvCacheSample> _samples = [];
        private readonly List<int> _toStart = [];
        private readonly List<int> _batched = [];

        /// <summary>Under <see cref="RoutingPolicy.SharedQueue"/>, the requests waiting for a replica of the front pool
        /// (every replica when serving is aggregated, else the prefill replicas) and of the decode pool.</summary>
        private readonly IndexDeque? _sharedFront;
        private readonly IndexDeque? _sharedDecode;

        /// <summary>How many replicas of the front pool and of the decode pool have no iteration in flight, so that a request
        /// put in a shared queue looks for an idle replica only when there is one.</summary>
        private int _idleFront;
        private int _idleDecode;
        private readonly RequestBatcher? _batcher;
        private readonly bool[] _marked;
        private readonly int _prefillCount;
        private readonly double _transferBytesPerSecond;
        private readonly double _kvBytesPerToken;
        private readonly long _capacityBlocks;
        private int _nextArrival;
        private int _roundRobinPrefill;
        private int _roundRobinDecode;
        private int _done;
        private int _nextReport;
        private long _iterationCount;
        private long _usedBlocks;
        private double _lastTime;
        private double _kvArea;
        private double _peakUtilization;
        private double _nextSample;
        private double _lastRelease = double.NaN;

        public Run(ServingDeployment deployment, IterationTimeModel model, ServingWorkload workload, ServingSimulationOptions options, IProgress<double>? progress, CancellationToken cancellationToken)
        {
            _deployment = deployment;
            _workload = workload;
            _options = options;
            _progress = progress;
            _cancellationToken = cancellationToken;
            _r = new RequestTable(workload.Requests);
            _prefillCount = deployment.PrefillReplicas ?? 0;
            _replicas = new ReplicaEngine[deployment.Replicas];
            for (var i = 0; i < _replicas.Length; i++)
            {
                _replicas[i] = new ReplicaEngine(i, _r, model, deployment, handOffAfterPrefill: i < _prefillCount);
            }

            _inFlight = new IterationPlan?[_replicas.Length];
            _marked = new bool[_replicas.Length];
            _kvBytesPerToken = model.KvBytesPerToken;
            _transferBytesPerSecond = deployment.KvTransferBytesPerSecond ?? (ServingDeployment.DefaultKvTransferBytesPerSecondPerGpu * deployment.GpusPerReplica);
            _capacityBlocks = model.KvCapacityBlocks * _replicas.Length;
            _batcher = deployment.FrontBatcher;
            if (deployment.Routing == RoutingPolicy.SharedQueue)
            {
                _sharedFront = new IndexDeque();
                _sharedDecode = _prefillCount > 0 ? new IndexDeque() : null;
            }

            _idleFront = FrontPoolEnd;
            _idleDecode = _replicas.Length - FrontPoolEnd;

            _lastTime = _r.Arrival[0];
            _nextSample = _r.Arrival[0];
        }

        public void Execute()
        {
            var n = _r.Count;
            var events = 0L;
            var now = double.NegativeInfinity;
            while (_done < n)
            {
                if ((++events & 0xFFF) == 0)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                }

                var tIteration = _iterations.TryPeek(out _, out var it) ? it.Time : double.PositiveInfinity;
                var tTransfer = _transfers.TryPeek(out _, out var tr) ? tr.Time : double.PositiveInfinity;
                var tArrival = _nextArrival < n ? _r.Arrival[_nextArrival] : double.PositiveInfinity;
                var tRelease = _batched.Count > 0 ? _lastRelease + _batcher!.TimeoutSeconds : double.PositiveInfinity;
                var next = Math.Min(Math.Min(tIteration, tTransfer), Math.Min(tRelease, tArrival));

                // Idle replicas plan only once every event of the current instant is in: simultaneous arrivals share a batch.
                if (_toStart.Count > 0 && next > now)
                {
                    StartPending(now);
                    continue;
                }

                if (double.IsPositiveInfinity(next))
                {
                    throw new InvalidOperationException("The simulation stalled with requests unfinished.");
                }

                now = next;
                if (tIteration == next)
                {
                    EndIteration(_iterations.Dequeue(), now);
                }
                else if (tTransfer == next)
                {
                    var request = _transfers.Dequeue();
                    if (_sharedDecode is not null)
                    {
                        Share(_sharedDecode, request, _prefillCount, _replicas.Length, _idleDecode);
                    }
                    else
                    {
                        var target = Route(_prefillCount, _replicas.Length, ref _roundRobinDecode);
                        _replicas[target].Enqueue(request);
                        MarkToStart(target);
                    }
                }
                else if (tRelease == next)
                {
                    Release(now);
                }
                else if (_batcher is not null)
                {
                    Batch(_nextArrival++, now);
                }
                else if (_sharedFront is not null)
                {
                    Share(_sharedFront, _nextArrival++, 0, FrontPoolEnd, _idleFront);
                }
                else
                {
                    var target = RouteArrival();
                    _replicas[target].Enqueue(_nextArrival++);
                    MarkToStart(target);
                }
            }

            _progress?.Report(1.0);
        }

        public ServingSimulationResult Result(GpuSpec gpu, double price)
        {
            var n = _r.Count;
            var ttft = new double[n];
            var e2e = new double[n];
            var tpot = new List<double>(n);
            long input = 0;
            long output = 0;
            var first = double.PositiveInfinity;
            var last = double.NegativeInfinity;
            var preemptions = 0;
            var slo = _options.Slo;
            var good = 0;
            var outcomes = _options.RecordRequestOutcomes ? new ServingRequestOutcome[n] : [];
            for (var i = 0; i < n; i++)
            {
                var outcome = new ServingRequestOutcome(i, _r.Arrival[i], _r.Input[i], _r.Output[i], _r.FirstToken[i], _r.Completion[i], _r.Preemptions[i], _r.FirstReplica[i]);
                ttft[i] = outcome.TtftSeconds;
                e2e[i] = outcome.EndToEndSeconds;
                if (outcome.OutputTokens > 1)
                {
                    tpot.Add(outcome.TpotSeconds);
                }

                if (slo is not null && outcome.TtftSeconds <= slo.TtftP99Seconds && outcome.TpotSeconds <= slo.TpotP99Seconds)
                {
                    good++;
                }

                input += outcome.InputTokens;
                output += outcome.OutputTokens;
                first = Math.Min(first, outcome.ArrivalSeconds);
                last = Math.Max(last, outcome.CompletionSeconds);
                preemptions += outcome.Preemptions;
                if (outcomes.Length > 0)
                {
                    outcomes[i] = outcome;
                }
            }

            var duration = Math.Max(last - first, 1e-12);
            var ttftStats = LatencyStatistics.From(ttft);
            var tpotStats = LatencyStatistics.From(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tpot));
            var gpus = _deployment.GpuCount;
            var gpuHours = gpus * duration / 3600.0;
            var cost = gpuHours * price;
            var offered = _workload.OfferedOutputTokensPerSecond;
            return new ServingSimulationResult
            {
                Deployment = _deployment,
                Requests = n,
                Completed = _done,
                DurationSeconds = duration,
                InputTokens = input,
                OutputTokens = output,
                ThroughputTokensPerSecond = output / duration,
                RequestsPerSecond = n / duration,
                GoodputRequestsPerSecond = slo is null ? null : good / duration,
                SloAttainment = slo is null ? null : (double)good / n,
                Slo = slo,
                MeetsSlo = slo?.IsMetBy(ttftStats, tpotStats),
                Ttft = ttftStats,
                Tpot = tpotStats,
                EndToEnd = LatencyStatistics.From(e2e),
                KvCacheUtilization = _samples,
                MeanKvCacheUtilization = _kvArea / duration,
                PeakKvCacheUtilization = _peakUtilization,
                Preemptions = preemptions,
                Iterations = _iterationCount,
                KvCacheTokensPerReplica = _replicas[^1].CapacityBlocks * _deployment.BlockSize,
                GpuCount = gpus,
                GpuHours = gpuHours,
                PricePerGpuHourUsd = price,
                CostUsd = cost,
                CostPerMillionOutputTokensUsd = cost / output * 1e6,
                CostPerMillionOutputTokensAtOfferedLoadUsd = double.IsFinite(offered) && offered > 0 ? GpuPrices.PerMillionTokens(price * gpus, offered) : null,
                RequestOutcomes = outcomes,
            };
        }

        /// <summary>The end of the replicas that take arrivals: the prefill replicas, or every replica.</summary>
        private int FrontPoolEnd => _prefillCount > 0 ? _prefillCount : _replicas.Length;

        /// <summary>
        /// Puts a request in a pool's shared queue and marks idle replicas of the pool to plan after the instant's events,
        /// where they take from the queue in index order: the lowest-index idle replicas whose room together covers the
        /// queue (marking more would change nothing: they would find it empty). With no idle replica (<paramref name="idle"/>
        /// 0) the request waits for the next replica to plan.
        /// </summary>
        private void Share(IndexDeque queue, int request, int from, int to, int idle)
        {
            queue.PushBack(request);
            var room = 0;
            for (var i = from; i < to && idle > 0 && room < queue.Count; i++)
            {
                if (_inFlight[i] is null)
                {
                    MarkToStart(i);
                    room += Math.Max(0, _deployment.MaxBatch - _replicas[i].Outstanding);
                    idle--;
                }
            }
        }

        /// <summary>Counts a replica's change between idle and busy in its pool.</summary>
        private void CountIdle(int replica, int change)
        {
            if (replica >= FrontPoolEnd)
            {
                _idleDecode += change;
            }
            else
            {
                _idleFront += change;
            }
        }

        /// <summary>Moves the oldest requests of the replica's shared queue into its own queue, as many as its batch
        /// has room for (the batch limit less the requests it holds).</summary>
        private void Pull(int replica)
        {
            var queue = replica < FrontPoolEnd ? _sharedFront : _sharedDecode;
            if (queue is null)
            {
                return;
            }

            var engine = _replicas[replica];
            var room = Math.Min(queue.Count, _deployment.MaxBatch - engine.Outstanding);
            for (var i = 0; i < room; i++)
            {
                engine.Enqueue(queue.PopFront());
            }
        }

        private int RouteArrival() => Route(0, FrontPoolEnd, ref _roundRobinPrefill);

        /// <summary>An arrival joins the front batcher, which releases at once when the batch is full or its deadline has passed.</summary>
        private void Batch(int request, double now)
        {
            var batcher = _batcher!;
            if (double.IsNaN(_lastRelease))
            {
                _lastRelease = now;
            }

            _batched.Add(request);
            if (_batched.Count >= batcher.MaxRequests || now >= _lastRelease + batcher.TimeoutSeconds)
            {
                Release(now);
            }
        }

        /// <summary>Sends up to one batch of the front batcher to one replica (repeatedly while a full batch waits).</summary>
        private void Release(double now)
        {
            var max = _batcher!.MaxRequests;
            do
            {
                var take = Math.Min(max, _batched.Count);
                if (_sharedFront is not null)
                {
                    for (var i = 0; i < take; i++)
                    {
                        Share(_sharedFront, _batched[i], 0, FrontPoolEnd, _idleFront);
                    }
                }
                else
                {
                    var target = RouteArrival();
                    for (var i = 0; i < take; i++)
                    {
                        _replicas[target].Enqueue(_batched[i]);
                    }

                    MarkToStart(target);
                }

                _batched.RemoveRange(0, take);
            }
            while (_batched.Count >= max);

            _lastRelease = now;
        }

        private int Route(int from, int to, ref int roundRobin)
        {
            if (_deployment.Routing == RoutingPolicy.RoundRobin)
            {
                var pick = from + (roundRobin % (to - from));
                roundRobin++;
                return pick;
            }

            var best = from;
            for (var i = from + 1; i < to; i++)
            {
                if (_replicas[i].Outstanding < _replicas[best].Outstanding)
                {
                    best = i;
                }
            }

            return best;
        }

        private void MarkToStart(int replica)
        {
            if (!_marked[replica])
            {
                _marked[replica] = true;
                _toStart.Add(replica);
            }
        }

        private void StartPending(double now)
        {
            _toStart.Sort();
            foreach (var replica in _toStart)
            {
                _marked[replica] = false;
                StartIfIdle(replica, now);
            }

            _toStart.Clear();
        }

        private void StartIfIdle(int replica, double now)
        {
            if (_inFlight[replica] is not null)
            {
                return;
            }

            Pull(replica);
            if (!_replicas[replica].HasWork)
            {
                return;
            }

            var plan = _replicas[replica].Plan();
            if (plan.IsEmpty)
            {
                return;
            }

            _inFlight[replica] = plan;
            CountIdle(replica, -1);
            _iterations.Enqueue(replica, (now + plan.Seconds, replica));
        }

        private void EndIteration(int replica, double now)
        {
            var engine = _replicas[replica];
            var plan = _inFlight[replica]!;
            _inFlight[replica] = null;
            CountIdle(replica, +1);
            AccrueKv(now);
            var before = engine.UsedBlocks;
            _completed.Clear();
            _handedOff.Clear();
            engine.Apply(plan, now, _completed, _handedOff);
            _iterationCount++;
            _usedBlocks += engine.UsedBlocks - before;
            if (engine.CapacityBlocks > 0)
            {
                _peakUtilization = Math.Max(_peakUtilization, (double)engine.PeakUsedBlocks / engine.CapacityBlocks);
            }

            _done += _completed.Count;
            foreach (var request in _handedOff)
            {
                var seconds = _r.Cached[request] * _kvBytesPerToken / _transferBytesPerSecond;
                _transfers.Enqueue(request, (now + seconds, request));
            }

            Sample(now);
            if (_progress is not null && _done >= _nextReport)
            {
                _progress.Report((double)_done / _r.Count);
                _nextReport = _done + Math.Max(1, _r.Count / 100);
            }

            MarkToStart(replica);
        }

        private void AccrueKv(double now)
        {
            if (now > _lastTime)
            {
                _kvArea += (now - _lastTime) * _usedBlocks / _capacityBlocks;
                _lastTime = now;
            }
        }

        private void Sample(double now)
        {
            if (now < _nextSample)
            {
                return;
            }

            _samples.Add(new KvCacheSample(now, (double)_usedBlocks / _capacityBlocks));
            var interval = _options.KvCacheSampleIntervalSeconds;
            _nextSample += Math.Ceiling((now - _nextSample + (interval * 1e-9)) / interval) * interval;
            if (_nextSample <= now)
            {
                _nextSample = now + interval;
            }
        }
    }
}
