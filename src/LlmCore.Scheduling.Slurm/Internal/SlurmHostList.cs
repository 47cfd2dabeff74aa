using System.Globalization;

namespace LlmCore.Scheduling.Slurm.Internal;

/// <summary>Expands Slurm's compressed host lists (<c>n[1-3,5]</c>, <c>gpu[01-02],login1</c>) into names.</summary>
internal static class SlurmHostList
{
    public static IReadOnlyList<string> Expand(string? hostList)
    {
        var names = new List<string>();
        if (string.IsNullOrWhiteSpace(hostList))
        {
            return names;
        }

        var depth = 0;
        var start = 0;
        for (var i = 0; i <= hostList.Length; i++)
        {
            if (i == hostList.Length || (hostList[i] == ',' && depth == 0))
            {
                ExpandOne(hostList[start..i].Trim(), names);
                start = i + 1;
            }
            else if (hostList[i] == '[')
            {
                depth++;
            }
            else if (hostList[i] == ']')
            {
                depth--;
            }
        }

        return names;
    }

    private static void ExpandOne(string item, List<string> names)
    {
        if (item.Length == 0)
        {
            return;
        }

        var open = item.IndexOf('[', StringComparison.Ordinal);
        var close = item.IndexOf(']', StringComparison.Ordinal);
        if (open < 0 || close < open)
        {
            names.Add(item);
            return;
        }

        var prefix = item[..open];
        var suffix = item[(close + 1)..];
        foreach (var range in item[(open + 1)..close].Split(','))
        {
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                names.Add(prefix + range + suffix);
                continue;
            }

            var low = range[..dash];
            var high = range[(dash + 1)..];
            if (!long.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !long.TryParse(high, NumberStyles.None, CultureInfo.InvariantCulture, out var to))
            {
                names.Add(prefix + range + suffix);
                continue;
            }

            var width = low.Length;
            for (var n = from; n <= to; n++)
            {
                names.Add(prefix + n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0') + suffix);
            }
        }
    }
}
