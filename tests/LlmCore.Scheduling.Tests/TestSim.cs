using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Tests;

/// <summary>A small discrete-event loop over the engine for tests: arrivals, completions, node failures.</summary>
internal sealed class TestSim
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly PriorityQueue<Event, (double, long)> _events = new();
    private readonly Dictionary<string, double> _actual = new(StringComparer.Ordinal);
    private long _seq;

    public TestSim(SchedulingEngine engine)
    {
        Engine = engine;
    }

    public SchedulingEngine Engine { get; }

    public List<(double Time, JobLaunch Launch)> Starts { get; } = [];

    public List<(double Time, string JobId)> Completions { get; } = [];

    public List<(double Time, SchedulingPlan Plan)> Plans { get; } = [];

    public double Now { get; private set; }

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    /// <summary>Asserts that two simulations of one trace made the same schedule: the same closed and open segments and
    /// the same metrics (the shortcut tests compare a fast path with its reference this way).</summary>
    public static void AssertSameSchedule(LlmCore.Scheduling.Simulation.SimulationResult expected, LlmCore.Scheduling.Simulation.SimulationResult actual)
    {
        Assert.Equal(expected.Segments, actual.Segments);
        Assert.Equal(expected.OpenSegments, actual.OpenSegments);
        Assert.Equal(expected.Metrics, actual.Metrics);
    }

    public void Arrive(double time, JobSpec spec, double? actualSeconds = null)
    {
        _actual[spec.Id] = actualSeconds ?? spec.RuntimeEstimate?.TotalSeconds ?? 1;
        Push(time, new Event(EventKind.Arrival, spec, null, 0, 0));
    }

    public void FailNode(double time, int node, double recoverAfter)
    {
        Push(time, new Event(EventKind.Fail, null, null, 0, node));
        Push(time + recoverAfter, new Event(EventKind.Recover, null, null, 0, node));
    }

    public void Run(Action<double, SchedulingPlan>? afterPass = null, int maxSteps = 200_000)
    {
        var steps = 0;
        while (_events.Count > 0)
        {
            if (++steps > maxSteps)
            {
                throw new InvalidOperationException("simulation did not finish");
            }

            _events.TryPeek(out _, out var p);
            Now = p.Item1;
            var arrivals = new List<JobSpec>();
            while (_events.TryPeek(out var e, out var pr) && pr.Item1 == Now)
            {
                _events.Dequeue();
                switch (e.Kind)
                {
                    case EventKind.Arrival:
                        arrivals.Add(e.Spec!);
                        break;
                    case EventKind.Completion:
                        if (Engine.Finish(e.JobId!, e.Attempt, true, At(Now)))
                        {
                            Completions.Add((Now, e.JobId!));
                        }

                        break;
                    case EventKind.Fail:
                        Engine.FailNode(e.Node, At(Now));
                        break;
                    case EventKind.Recover:
                        Engine.RecoverNode(e.Node, At(Now));
                        break;
                    default:
                        break;
                }
            }

            if (arrivals.Count > 0)
            {
                Engine.Submit(arrivals, At(Now));
            }

            var plan = Engine.RunPass(At(Now));
            Plans.Add((Now, plan));
            foreach (var s in plan.Resizes.Select(r => r.Launch).Concat(plan.Starts))
            {
                Starts.Add((Now, s));
                var left = (Math.Max(0, _actual[s.JobId] - s.ProgressSeconds) / s.Speed) + s.RestartCostSeconds;
                Push(Now + left, new Event(EventKind.Completion, null, s.JobId, s.Attempt, 0));
            }

            afterPass?.Invoke(Now, plan);
            if (_events.Count == 0 && Engine.Pending.Count > 0 && plan.IsEmpty && Engine.Running.Count == 0)
            {
                // Nothing will ever change again: time passing can still matter (aging, LAS promotion), so tick once.
                Push(Now + 3600, new Event(EventKind.Tick, null, null, 0, 0));
                if (steps > maxSteps / 2)
                {
                    throw new InvalidOperationException("jobs stuck in the queue");
                }
            }
        }
    }

    public double StartOf(string id, int attempt = 1) => Starts.First(s => s.Launch.JobId == id && s.Launch.Attempt == attempt).Time;

    private void Push(double time, Event e) => _events.Enqueue(e, (time, _seq++));

    private enum EventKind
    {
        Arrival,
        Completion,
        Fail,
        Recover,
        Tick,
    }

    private sealed record Event(EventKind Kind, JobSpec? Spec, string? JobId, int Attempt, int Node);
}

internal static class Specs
{
    public static JobSpec Job(string id, int gpus, double? estimate = null, int priority = PriorityClasses.Normal, string tenant = "default") =>
        new(id, gpus) { RuntimeEstimate = estimate is { } e ? TimeSpan.FromSeconds(e) : null, Priority = priority, Tenant = tenant };

    public static SchedulingEngine NewEngine(Cluster cluster, string policy, bool backfill = true, bool preemption = true, IEnumerable<TenantQuota>? tenants = null, PolicyParameters? parameters = null) =>
        new(cluster, SchedulingPolicy.Create(policy, parameters ?? new PolicyParameters(), backfill, preemption), tenants, TestSim.T0);
}
