using System.Globalization;
using System.Numerics;
using nietras.SeparatedValues;

namespace LlmCore.Optimization.Data;

/// <summary>
/// Loads a dataset from CSV with a header row (read with the Sep library): every column but the target is a
/// numeric feature; the target is the last column unless one is named.
/// </summary>
/// <remarks>
/// <para>
/// The task, unless given, is classification when the target holds text, or at most
/// <see cref="MaxInferredClasses"/> distinct integers; otherwise regression. Class indices follow the sorted
/// class names (numerically for integer labels, ordinally for text).
/// </para>
/// <para>
/// Every error is an <see cref="ArgumentException"/> whose message names the file, the 1-based data row (the header
/// is row 0) and the column. The methods are thread-safe.
/// </para>
/// </remarks>
public static class CsvDataset
{
    /// <summary>The largest number of distinct integer targets that makes a column read as class labels.</summary>
    public const int MaxInferredClasses = 20;

    /// <summary>Loads a CSV file.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file's path.</param>
    /// <param name="targetColumn">The target column's name, or <see langword="null"/> for the last column.</param>
    /// <param name="task">The task, or <see langword="null"/> to infer it.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">The file is empty, names a column twice, has no such target column, or a cell is not a number.</exception>
    public static Dataset<T> Load<T>(string path, string? targetColumn = null, LearningTask? task = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the file does not exist.", path);
        }

        using var text = File.OpenText(path);
        return Load<T>(text, path, targetColumn, task);
    }

    /// <summary>Loads CSV text.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="reader">The CSV text.</param>
    /// <param name="sourceName">The name used in error messages (a file name).</param>
    /// <param name="targetColumn">The target column's name, or <see langword="null"/> for the last column.</param>
    /// <param name="task">The task, or <see langword="null"/> to infer it.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The text is empty, names a column twice, has no such target column, or a cell is not a number.</exception>
    public static Dataset<T> Load<T>(TextReader reader, string sourceName, string? targetColumn = null, LearningTask? task = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        var content = reader.ReadToEnd();
        if (string.IsNullOrWhiteSpace(content))
        {
            throw new ArgumentException($"{sourceName}: the file is empty; expected a header row and at least one data row.", nameof(reader));
        }

        string[] names;
        var rows = new List<string[]>();
        try
        {
            using var csv = Sep.Reader(static o => o with { Trim = SepTrim.All }).FromText(content);
            names = [.. csv.Header.ColNames];
            foreach (var row in csv)
            {
                var cells = new string[row.ColCount];
                for (var c = 0; c < cells.Length; c++)
                {
                    cells[c] = row[c].ToString();
                }

                rows.Add(cells);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ArgumentException($"{sourceName}: {ex.Message}", nameof(reader), ex);
        }
        catch (ArgumentException ex)
        {
            // Sep refuses a header that names a column twice ("Col name 'x' found 2 times ...").
            throw new ArgumentException($"{sourceName}: the header names a column twice: {ex.Message}", nameof(reader), ex);
        }

        if (names.Length < 2)
        {
            throw new ArgumentException($"{sourceName}: expected a header with at least two columns (features and a target); got {names.Length}.", nameof(reader));
        }

        if (rows.Count == 0)
        {
            throw new ArgumentException($"{sourceName}: the file has a header but no data rows.", nameof(reader));
        }

        var target = names.Length - 1;
        if (targetColumn is not null)
        {
            target = Array.IndexOf(names, targetColumn);
            if (target < 0)
            {
                throw new ArgumentException($"{sourceName}: there is no target column '{targetColumn}'; the columns are {string.Join(", ", names)}.", nameof(targetColumn));
            }
        }

        var featureCount = names.Length - 1;
        var features = new T[rows.Count * featureCount];
        var rawTargets = new string[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = rows[r];
            var k = 0;
            for (var c = 0; c < names.Length; c++)
            {
                if (c == target)
                {
                    rawTargets[r] = cells[c];
                    continue;
                }

                features[(r * featureCount) + k++] = ParseCell<T>(cells[c], sourceName, r + 1, names[c]);
            }
        }

        var numeric = rawTargets.All(static s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v));
        var resolved = task ?? InferTask(rawTargets, numeric);
        var targets = new T[rows.Count];
        IReadOnlyList<string>? classNames = null;
        if (resolved == LearningTask.Regression)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                targets[r] = ParseCell<T>(rawTargets[r], sourceName, r + 1, names[target]);
            }
        }
        else
        {
            var distinct = rawTargets.Distinct(StringComparer.Ordinal);
            var ordered = numeric
                ? distinct.OrderBy(static s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture))
                : distinct.OrderBy(static s => s, StringComparer.Ordinal);
            var list = ordered.ToList();
            var index = list.Select(static (name, i) => (name, i)).ToDictionary(static p => p.name, static p => p.i, StringComparer.Ordinal);
            for (var r = 0; r < rows.Count; r++)
            {
                targets[r] = T.CreateChecked(index[rawTargets[r]]);
            }

            classNames = list;
        }

        var featureNames = names.Where((_, c) => c != target).ToArray();
        return new Dataset<T>(features, featureCount, targets, 1, resolved, featureNames, [names[target]], classNames);
    }

    private static LearningTask InferTask(string[] targets, bool numeric)
    {
        if (!numeric)
        {
            return LearningTask.Classification;
        }

        var distinct = new HashSet<double>();
        foreach (var s in targets)
        {
            var v = double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (v != Math.Floor(v) || (distinct.Add(v) && distinct.Count > MaxInferredClasses))
            {
                return LearningTask.Regression;
            }
        }

        return LearningTask.Classification;
    }

    private static T ParseCell<T>(string cell, string sourceName, int row, string column)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new ArgumentException($"{sourceName}: row {row}, column '{column}': '{cell}' is not a finite number.", "reader");
        }

        return T.CreateTruncating(value);
    }
}
