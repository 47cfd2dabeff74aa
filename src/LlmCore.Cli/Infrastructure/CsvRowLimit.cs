using System.Globalization;

namespace LlmCore.Cli.Infrastructure;

/// <summary>
/// Refuses a CSV file with more data rows than a limit before it is read whole (issue 22: no input makes a command use
/// more than 2 GB). The rows are counted in 64-KiB blocks, so the check's memory does not depend on the file or on the
/// length of its lines, and counting stops at the first row beyond the limit. Stateless and thread-safe.
/// </summary>
internal static class CsvRowLimit
{
    /// <summary>Throws a <see cref="CliUsageException"/> naming <paramref name="fileOption"/>, the file, the limit and <paramref name="limitOption"/> when the file has more than <paramref name="maxRows"/> rows after its header.</summary>
    /// <param name="path">The CSV file (it exists).</param>
    /// <param name="fileOption">The option that named the file, e.g. <c>--trace</c>.</param>
    /// <param name="maxRows">The most data rows accepted.</param>
    /// <param name="limitOption">The option that raises the limit, e.g. <c>--max-requests</c>.</param>
    /// <param name="cost">What a row costs, for the message, e.g. "about 250 bytes of simulation per request".</param>
    public static void Check(string path, string fileOption, long maxRows, string limitOption, string cost)
    {
        var rows = CountRowsUpTo(path, maxRows + 1);
        if (rows > maxRows)
        {
            throw new CliUsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"{fileOption} {Path.GetFileName(path)}: the file has more than {maxRows:N0} rows after its header, the limit ({limitOption}; {cost}); raise it with {limitOption} N if the machine has the memory (raising a limit lifts the 2-GB promise for that run)."));
        }
    }

    /// <summary>The number of non-empty lines after the first, counted up to <paramref name="stopAt"/>.</summary>
    internal static long CountRowsUpTo(string path, long stopAt)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        long lines = 0;
        var lineHasContent = false;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b == (byte)'\n')
                {
                    if (lineHasContent)
                    {
                        lines++;
                        if (lines - 1 >= stopAt)
                        {
                            return lines - 1;
                        }
                    }

                    lineHasContent = false;
                }
                else if (b is not (byte)'\r' and not (byte)' ' and not (byte)'\t')
                {
                    lineHasContent = true;
                }
            }
        }

        if (lineHasContent)
        {
            lines++;
        }

        return Math.Max(0, lines - 1);
    }
}
