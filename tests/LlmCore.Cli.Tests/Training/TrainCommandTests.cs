using System.Text.Json;

namespace LlmCore.Cli.Tests.Training;

public class TrainCommandTests
{
    [Fact]
    public void Train_Moons_Json_HasContractKeys()
    {
        var (exit, output, error) = CliRunner.Run("train", "--dataset", "moons", "--optimizer", "sgd", "--lr", "0.1", "--momentum", "0.9", "--hidden", "16,16", "--epochs", "20", "--json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(20, root.GetProperty("epochs").GetInt32());
        Assert.Equal(20, root.GetProperty("lossHistory").GetArrayLength());
        Assert.Equal("accuracy", root.GetProperty("metric").GetString());
        // Measured with seed 0: held-out accuracy 0.975 on 200 points.
        Assert.True(root.GetProperty("metricValue").GetDouble() >= 0.93);
        var history = root.GetProperty("lossHistory").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(history[^1], root.GetProperty("finalLoss").GetDouble());
        Assert.True(history[^1] < history[0]);
    }

    [Fact]
    public void Train_Linear_Json_ReportsR2()
    {
        var (exit, output, error) = CliRunner.Run("train", "--dataset", "linear", "--optimizer", "sgd", "--lr", "0.01", "--json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("r2", json.RootElement.GetProperty("metric").GetString());
        Assert.Equal(10, json.RootElement.GetProperty("epochs").GetInt32());
        Assert.True(json.RootElement.GetProperty("metricValue").GetDouble() > 0.9);
    }

    [Fact]
    public void Train_SameSeed_SameOutput()
    {
        string[] args = ["train", "--dataset", "iris", "--optimizer", "sgd", "--hidden", "8", "--epochs", "3", "--seed", "5", "--json"];
        Assert.Equal(CliRunner.Run(args).Output, CliRunner.Run(args).Output);
    }

    [Fact]
    public void Train_Csv_TargetByName_Classification()
    {
        var path = WriteCsv("label,a,b\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i % 2},{i % 2 * 3 + 0.1 * (i % 5)},{i}\n")));
        try
        {
            var (exit, output, error) = CliRunner.Run("train", "--dataset", path, "--target", "label", "--optimizer", "sgd", "--lr", "0.1", "--epochs", "20", "--json");
            Assert.True(exit == 0, error);
            using var json = JsonDocument.Parse(output);
            Assert.Equal("classification", json.RootElement.GetProperty("task").GetString());
            Assert.Equal(1.0, json.RootElement.GetProperty("metricValue").GetDouble());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Train_NonNumericCell_Exit2NamingFileRowAndColumn()
    {
        var path = WriteCsv("a,b,y\n1,2,3\n4,oops,6\n");
        try
        {
            var (exit, output, error) = CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--json");
            Assert.Equal(2, exit);
            Assert.Equal(string.Empty, output);
            Assert.Contains(Path.GetFileName(path), error, StringComparison.Ordinal);
            Assert.Contains("row 2, column 'b'", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Train_MissingTargetColumn_Exit2()
    {
        var path = WriteCsv("a,b,y\n1,2,3\n4,5,6\n");
        try
        {
            var (exit, _, error) = CliRunner.Run("train", "--dataset", path, "--target", "price", "--optimizer", "sgd");
            Assert.Equal(2, exit);
            Assert.Contains("'price'", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Train_EmptyCsv_Exit2()
    {
        var path = WriteCsv("a,y\n");
        try
        {
            var (exit, _, error) = CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd");
            Assert.Equal(2, exit);
            Assert.Contains("no data rows", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--optimizer", "nope")]
    [InlineData("--lr", "-1")]
    [InlineData("--epochs", "0")]
    [InlineData("--hidden", "4,x")]
    [InlineData("--task", "clustering")]
    [InlineData("--dataset", "no-such-dataset")]
    public void Train_BadOption_Exit2NamingIt(string option, string value)
    {
        var args = new List<string> { "train", "--dataset", "moons", "--optimizer", "sgd", "--epochs", "1" };
        var index = args.IndexOf(option);
        if (index >= 0)
        {
            args[index + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (exit, _, error) = CliRunner.Run([.. args]);
        Assert.Equal(2, exit);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_Human_PrintsHistoryTable()
    {
        var (exit, output, _) = CliRunner.Run("train", "--dataset", "iris", "--optimizer", "sgd", "--hidden", "8", "--epochs", "3");
        Assert.Equal(0, exit);
        Assert.Contains("held-out accuracy", output, StringComparison.Ordinal);
        Assert.Contains("epoch", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_Plot_WritesPng()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-train-{Guid.NewGuid():N}.png");
        try
        {
            var (exit, _, error) = CliRunner.Run("train", "--dataset", "moons", "--optimizer", "sgd", "--epochs", "3", "--plot", path, "--json");
            Assert.True(exit == 0, error);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string WriteCsv(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-train-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        return path;
    }
}
