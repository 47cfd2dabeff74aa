using System.Numerics;
using LlmCore.Optimization.Data;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// The dataset CSV of <c>llmcore train --dataset FILE.csv</c>: <see cref="CsvDataset.Load{T}(TextReader, string, string?, LearningTask?)"/>
/// documents <see cref="ArgumentException"/> for every malformed input. The first byte picks the element type
/// (float or double) and whether the task is inferred or forced; the rest is the CSV text.
/// </summary>
internal sealed class DatasetCsvTarget : FuzzTarget
{
    public override string Name => "dataset-csv";

    public override string Description => "CsvDataset.Load<float|double> (byte 0: type and task); accepts ArgumentException";

    public override void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var mode = input[0];
        var task = ((mode >> 1) % 3) switch
        {
            0 => (LearningTask?)null,
            1 => LearningTask.Regression,
            _ => LearningTask.Classification,
        };
        var text = Text(input[1..]);
        if ((mode & 1) == 0)
        {
            Load<double>(text, task);
        }
        else
        {
            Load<float>(text, task);
        }
    }

    private static void Load<T>(string text, LearningTask? task)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Dataset<T> dataset;
        try
        {
            dataset = CsvDataset.Load<T>(new StringReader(text), "fuzz.csv", targetColumn: null, task);
        }
        catch (ArgumentException ex)
        {
            // Documented: "Every error is an ArgumentException whose message names the file".
            Check(ex.Message.Contains("fuzz.csv", StringComparison.Ordinal), $"a CSV error names the file: {ex.Message}");
            return;
        }

        Check(dataset.Count >= 1 && dataset.FeatureCount >= 1, "a dataset has a row and a feature");
        Check(dataset.Features.Length == dataset.Count * dataset.FeatureCount, "features are Count × FeatureCount");
        foreach (var x in dataset.Features)
        {
            Check(T.IsFinite(x), "every feature is finite (the parser rejects cells that are not)");
        }

        foreach (var y in dataset.Targets)
        {
            Check(T.IsFinite(y), "every target is finite");
            if (dataset.Task == LearningTask.Classification)
            {
                Check(y >= T.Zero && y < T.CreateChecked(dataset.ClassCount) && y == T.Floor(y), "a class target is an index into ClassNames");
            }
        }
    }
}
