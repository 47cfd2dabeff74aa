using CsCheck;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// <see cref="EventHeap{T}"/> must give its items in the order of their (time, order) keys, compared time first, exactly
/// as a <see cref="SortedSet{T}"/> of those keys does: random enqueues (times with many ties, as a simulator's events at
/// one instant; orders unique, as its sequence numbers), dequeues and filterings (<see cref="EventHeap{T}.RemoveWhere"/>,
/// as the simulator's compaction), checked against the reference after every step.
/// </summary>
public class EventHeapTests
{
    [Fact]
    public void RandomEnqueuesDequeuesAndFilterings_ComeOutInKeyOrder()
    {
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var random = new Random(seed);
                var heap = new EventHeap<int>();
                var reference = new SortedSet<(double Time, long Order)>();
                var itemOf = new Dictionary<long, int>();
                var order = 0L;
                var steps = random.Next(1, 2_000);
                for (var step = 0; step < steps; step++)
                {
                    var action = random.Next(20);
                    if (reference.Count == 0 || action < 11)
                    {
                        // Few distinct times (ties broken by order); orders increase but are not consecutive.
                        var time = random.Next(0, 40) * 0.5;
                        order += random.Next(1, 4);
                        var item = random.Next();
                        heap.Enqueue(item, time, order);
                        reference.Add((time, order));
                        itemOf[order] = item;
                    }
                    else if (action < 19)
                    {
                        var first = reference.Min;
                        Assert.True(heap.TryPeek(out var item, out var time));
                        Assert.Equal(first.Time, time);
                        Assert.Equal(itemOf[first.Order], item);
                        heap.Dequeue();
                        reference.Remove(first);
                    }
                    else
                    {
                        var remainder = random.Next(2, 5);
                        heap.RemoveWhere(i => i % remainder == 0);
                        reference.RemoveWhere(k => itemOf[k.Order] % remainder == 0);
                    }

                    Assert.Equal(reference.Count, heap.Count);
                }

                // Drain: the rest in key order.
                foreach (var (time, o) in reference)
                {
                    Assert.True(heap.TryPeek(out var item, out var t));
                    Assert.Equal((time, itemOf[o]), (t, item));
                    heap.Dequeue();
                }

                Assert.False(heap.TryPeek(out _, out _));
                Assert.Equal(0, heap.Count);
            },
            iter: 200);
    }

    [Fact]
    public void Dequeue_OnAnEmptyHeap_Throws()
    {
        var heap = new EventHeap<int>();
        Assert.Throws<InvalidOperationException>(heap.Dequeue);
    }
}
