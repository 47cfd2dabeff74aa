using System.Globalization;

namespace LlmCore.Cli.Infrastructure;

/// <summary>
/// Refuses a CSV file with more data rows than a limit before it is read whole (issue 22: no input makes a command use
/// more than 2 GB). The rows are counted in 64-KiB blocks, so the check's memory does not depend on the file or on the
/// length of its lines, and counting stops at the first row beyond the limit. Stateless and thread-safe.
/// </summary>
internal static class CsvRowLimit
{
    /// <summary>The bytes a file may have per cell of a cell limit (16; 256 MB at <c>train</c>'s default): the text is held
    /// twice while it is read (the file as one string, then each cell as a string), so its bytes count about 4 times.</summary>
    public const long BytesPerCell = 16;

    /// <summary>Throws a <see cref="CliUsageException"/> naming <paramref name="fileOption"/>, the file, the limit and <paramref name="limitOption"/> when the file has more than <paramref name="maxRows"/> rows after its header.</summary>
    /// <param name="path">The CSV file (it exists).</param>
    /// <param name="fileOption">The option that named the file, e.g. <c>--trace</c>.</param>
    /// <param name="maxRows">The most data rows accepted.</param>
    /// <param name="limitOption">The option that raises the limit, e.g. <c>--max-requests</c>.</param>
    /// <param name="cost">What a row costs, for the message, e.g. "about 250 bytes of simulation per request".</param>
    public static void Check(string path, string fileOption, long maxRows, string limitOption, string cost)
    {
        if (CountRowsUpTo(path, maxRows + 1) > maxRows)
        {
            throw TooManyRows(path, fileOption, maxRows, limitOption, cost);
        }
    }

    private static CliUsageException TooManyRows(string path, string fileOption, long maxRows, string limitOption, string cost) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"{fileOption} {Path.GetFileName(path)}: the file has more than {maxRows:N0} rows after its header, the limit ({limitOption}; {cost}); raise it with {limitOption} N if the machine has the memory (raising a limit lifts the 2-GB promise for that run)."));

    /// <summary>
    /// As <see cref="Check(string, string, long, string, string)"/>, and also refuses a file whose cells (the header's columns × the data rows) exceed
    /// <paramref name="maxCells"/>, naming <paramref name="cellOption"/>: a file of few rows and very many columns passes a
    /// row limit alone (1,000 rows × 10,000,000 columns). The header's columns are counted in the same 64-KiB blocks, as
    /// one more than the most frequent of the separators a CSV reader detects (<c>, ; TAB |</c>); a separator inside quotes
    /// counts too, so the estimate errs on the large side.
    /// </summary>
    /// <param name="path">The CSV file (it exists).</param>
    /// <param name="fileOption">The option that named the file, e.g. <c>--dataset</c>.</param>
    /// <param name="maxRows">The most data rows accepted.</param>
    /// <param name="rowOption">The option that raises <paramref name="maxRows"/>.</param>
    /// <param name="maxCells">The most cells accepted.</param>
    /// <param name="cellOption">The option that raises <paramref name="maxCells"/>.</param>
    /// <param name="cost">What a row or cell costs, for the message.</param>
    public static void Check(string path, string fileOption, long maxRows, string rowOption, long maxCells, string cellOption, string cost)
    {
        // The file is read whole as text: its bytes are bounded too, at BytesPerCell per cell of the limit (a file of
        // few, very long cells passes the row and cell counts).
        var bytes = new FileInfo(path).Length;
        if (bytes > maxCells * BytesPerCell)
        {
            throw new CliUsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"{fileOption} {Path.GetFileName(path)}: the file has {bytes:N0} bytes, more than {BytesPerCell} per cell of the limit ({cellOption} {maxCells:N0}; {cost}); raise it with {cellOption} N if the machine has the memory (raising a limit lifts the 2-GB promise for that run)."));
        }

        var columns = CountHeaderColumns(path, maxCells + 1);
        if (columns > maxCells)
        {
            throw new CliUsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"{fileOption} {Path.GetFileName(path)}: the header has more than {maxCells:N0} columns, more cells than the limit ({cellOption}; {cost}); raise it with {cellOption} N if the machine has the memory (raising a limit lifts the 2-GB promise for that run)."));
        }

        var rowsForCells = maxCells / columns;
        var rows = CountRowsUpTo(path, Math.Min(maxRows, rowsForCells) + 1);
        if (rows > maxRows)
        {
            throw TooManyRows(path, fileOption, maxRows, rowOption, cost);
        }

        if (rows > rowsForCells)
        {
            throw new CliUsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"{fileOption} {Path.GetFileName(path)}: {columns:N0} columns × more than {rowsForCells:N0} rows is more than {maxCells:N0} cells, the limit ({cellOption}; {cost}); raise it with {cellOption} N if the machine has the memory (raising a limit lifts the 2-GB promise for that run)."));
        }
    }

    /// <summary>The columns of the first non-empty line: one more than the count of its most frequent separator among
    /// <c>, ; TAB |</c>, counted up to <paramref name="stopAt"/> (the line is not held in memory).</summary>
    internal static long CountHeaderColumns(string path, long stopAt)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        Span<long> counts = stackalloc long[4];
        var lineHasContent = false;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            foreach (var b in buffer.AsSpan(0, read))
            {
                var slot = b switch
                {
                    (byte)',' => 0,
                    (byte)';' => 1,
                    (byte)'\t' => 2,
                    (byte)'|' => 3,
                    _ => -1,
                };
                if (slot >= 0)
                {
                    lineHasContent = true;
                    if (++counts[slot] + 1 >= stopAt)
                    {
                        return counts[slot] + 1;
                    }
                }
                else if (b == (byte)'\n')
                {
                    if (lineHasContent)
                    {
                        return Max(counts) + 1;
                    }
                }
                else if (b is not (byte)'\r' and not (byte)' ')
                {
                    lineHasContent = true;
                }
            }
        }

        return Max(counts) + 1;

        static long Max(ReadOnlySpan<long> values)
        {
            var max = 0L;
            foreach (var v in values)
            {
                max = Math.Max(max, v);
            }

            return max;
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
