namespace LlmCore.Commercialization.Serving.Internal;

/// <summary>A double-ended queue of request indices on a growable ring buffer (no allocation once grown).</summary>
internal sealed class IndexDeque
{
    private int[] _items = new int[16];
    private int _head;

    public int Count { get; private set; }

    public int this[int index] => _items[(_head + index) & (_items.Length - 1)];

    public void PushBack(int item)
    {
        Grow();
        _items[(_head + Count) & (_items.Length - 1)] = item;
        Count++;
    }

    public void PushFront(int item)
    {
        Grow();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = item;
        Count++;
    }

    public int PopFront()
    {
        var item = _items[_head];
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return item;
    }

    private void Grow()
    {
        if (Count < _items.Length)
        {
            return;
        }

        var bigger = new int[_items.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            bigger[i] = this[i];
        }

        _items = bigger;
        _head = 0;
    }
}
