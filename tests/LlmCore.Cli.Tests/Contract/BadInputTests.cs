namespace LlmCore.Cli.Tests.Contract;

/// <summary>
/// Bad input, command by command (issue 22): exit code 2, one line on stderr that names the option and says what it
/// accepts, nothing on stdout, no .NET type name, and no --output/--plot file left behind.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmcore-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Rows: the arguments (OUT stands for a file in a fresh directory) and the words the error must contain.</summary>
    public static TheoryData<string, string> Rows() => new()
    {
        // The central translation of values that do not parse: the option and its valid range, never System.Nullable`1[...].
        { "privacy sample --mechanism laplace --scale 1 --count 2 --seed -1", "--seed|[0, 18446744073709551615]" },
        { "privacy sample --mechanism laplace --scale abc --count 2", "--scale|'abc'|a number" },
        { "privacy sample --mechanism laplace --scale 1 --count 1e3", "--count|'1e3'|an integer" },
        { "privacy sample --mechanism laplace --scale 1 --count 100000001", "--count|[0, 100000000]" },
        { "privacy sample --mechanism laplace --scale 1 --count -1", "--count|[0, 100000000]" },
        { "privacy sample --mechanism uniform --scale 1 --count 1", "--mechanism|uniform" },
        { "privacy sample --mechanism discrete-gaussian --scale 1e300 --count 2 --output OUT.txt", "--scale|(0, 1e15]" },
        { "privacy sample --mechanism discrete-laplace --scale 1e16 --count 2 --output OUT.txt --json", "--scale|(0, 1e15]" },
        { "privacy sample --mechanism gaussian --scale NaN --count 2 --output OUT.txt", "--scale|finite" },
        { "privacy gaussian-sigma --epsilon Infinity --delta 1e-5 --sensitivity 1", "--epsilon|finite" },
        { "privacy gaussian-sigma --epsilon 1 --delta 1e-5 --sensitivity x", "--sensitivity|'x'" },
        { "privacy epsilon --sample-rate 2 --noise-multiplier 1 --steps 10 --delta 1e-5", "--sample-rate|(0, 1]" },
        { "privacy epsilon --sample-rate 0.01 --noise-multiplier 1 --steps 0 --delta 1e-5", "--steps|≥ 1" },
        { "privacy epsilon --sample-rate 0.01 --noise-multiplier 1 --steps 9223372036854775808 --delta 1e-5", "--steps|an integer" },
        { "privacy epsilon --sample-rate 0.01 --noise-multiplier 1 --steps 10 --delta 1", "--delta|(0, 1)" },
        // Issue 22's PLD request: 14.8 GB before; now refused at once, naming what to change.
        { "privacy epsilon --sample-rate 0.01 --noise-multiplier 1e-3 --steps 100 --delta 1e-5 --accountant pld", "--accountant pld|--noise-multiplier|16777216|--pld-max-grid-points" },
        { "privacy epsilon --sample-rate 0.01 --noise-multiplier 1 --steps 1000000000000 --delta 1e-5 --accountant pld", "--accountant pld|--steps" },
        { "privacy epsilon --dataset-size 1000 --batch-size 10 --epochs 1 --noise-multiplier 1 --delta 1e-5 --plot OUT.jpg", "--plot|.png|.jpg" },
        { "privacy epsilon --dataset-size 1000 --batch-size 10 --epochs 1 --noise-multiplier 1 --delta 1e-5 --plot OUT", "--plot|.png|no extension" },
        { "privacy noise-multiplier --target-epsilon 1 --delta 1e-5 --sample-rate 0.01 --steps ten", "--steps|'ten'" },
        { "optimize --function rosenbrock --optimizer adam --steps 10 --plot OUT.jpg", "--plot|.png" },
        { "optimize --function rosenbrock --optimizer adam --steps 0", "--steps|[1, 10000000]" },
        { "optimize --function rosenbrock --optimizer adam --steps 10 --lr fast", "--lr|'fast'|a number" },
        { "optimize --function rosenbrock --optimizer adam --steps 10 --start 1", "--start|X,Y" },
        // Other commands' parse errors go through the same translation (rows kept minimal: their options may change).
        { "cost gpus --bogus", "--bogus" },
        { "schedule simulate --trace OUT.csv --nodes many --gpus-per-node 8 --policy fifo", "--nodes|'many'|an integer" },
        { "train --dataset linear --optimizer sgd --epochs 1.5", "--epochs|'1.5'|an integer" },
        // train --model gpt|classifier and generate (issues 15-17): the option, its range, nothing written (--save/--plot in OUT).
        { "train --model gpt --text OUT.txt --save OUT.bin", "--text|names, spamassassin|UTF-8 text file" },
        { "train --model gpt --text names --heads 3 --embd 64 --save OUT.bin", "--heads|divide --embd|64|3" },
        { "train --model gpt --text names --tokenizer bpe --save OUT.bin", "--tokenizer|byte, gpt2|bpe" },
        { "train --model gpt --text names --steps 5 --epochs 1 --save OUT.bin", "--steps|--epochs|together" },
        { "train --model gpt --text names --block 0", "--block|[1, 8192]" },
        { "train --model gpt --text names --steps 0", "--steps|[1, 100000000]" },
        { "train --model rnn --text names", "--model|gpt or classifier|rnn" },
        { "train --model gpt", "--text|required" },
        { "train --model classifier --text names", "--text|spamassassin|--model classifier" },
        { "train --model gpt --text names --plot OUT.jpg", "--plot|.png|.jpg" },
        { "train --model gpt --text names --dataset iris", "--dataset|dense model" },
        { "train --dataset iris --optimizer sgd --text names", "--text|--model" },
        { "train --dataset iris", "--optimizer|required" },
        { "train --dataset iris --optimizer adam --momentum 0.9", "--momentum|sgd, rmsprop, lars, muon|adam" },
        { "train --model gpt --text names --momentum 0.9 --save OUT.bin", "--momentum|adamw" },
        { "train --optimizer sgd", "--dataset|required" },
        { "train --dataset iris --optimizer sgd --accountant pld", "--private|--accountant" },
        { "train --model gpt --text names --steps 2 --save OUT.bin --private --noise-multiplier 1 --max-grad-norm 1 --delta 1e-5 --sampler shuffle --accountant pld", "--sampler shuffle|--accountant rdp|pld" },
        { "train --model gpt --text names --steps 2 --private --noise-multiplier 1 --max-grad-norm 1 --delta 1e-5 --sampler random", "--sampler|poisson or shuffle|random" },
        { "train --model gpt --text names --steps 2 --private --noise-multiplier 1 --max-grad-norm 1 --delta 1e-5 --accountant gdp", "--accountant|rdp or pld|gdp" },
        { "train --model gpt --text names --steps 2 --private --noise-multiplier 1 --max-grad-norm 1 --delta 1e-5 --sampler shuffle --audit-canaries 100", "--audit-canaries|--sampler poisson" },
        { "train --model gpt --text names --steps 2 --private --noise-multiplier 1 --max-grad-norm 1 --delta 1e-5 --clipping fast", "--clipping|auto, ghost or materialized" },
        { "train --dataset iris --optimizer sgd --epochs 1 --private --noise-multiplier 1 --max-grad-norm 1 --delta 1e-5 --audit-canaries 100", "--audit-canaries|15 trainable parameters" },
        { "train --model gpt --text names --lora-rank 4", "--lora-rank|--init-model" },
        { "train --model gpt --text names --init-model OUT.bin", "--init-model|does not exist" },
        { "train --model gpt --text names --init-model OUT.bin --layers 3", "--layers|--init-model" },
        { "generate --model OUT.bin --prompt a --tokens 5", "--model|does not exist" },
        { "generate --model OUT.bin --prompt a --tokens -1", "--tokens|[0, 100000]" },
        { "generate --model OUT.bin --prompt a --tokens 5 --temperature -1", "--temperature|≥ 0" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void BadInput_ExitsTwo_OneLineNamingTheOption_NoTypeName_NoFile(string commandLine, string expected)
    {
        var outFile = Path.Combine(_dir, "out");
        var args = commandLine.Split(' ').Select(a => a.StartsWith("OUT", StringComparison.Ordinal) ? outFile + a[3..] : a).ToArray();

        var (exit, output, error) = CliRunner.Run(args);

        BadInputAssert.ExitTwoWithOneLine(exit, output, error, expected);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    // Divergence (docs/cli.md): exit 3, one line naming the step and --lr, nothing on stdout, no plot. SGD with lr = 1 on
    // Rosenbrock from (−1.5, 2): the first step moves x by −∇f ≈ 1.6e3, and the loss overflows within a few steps.
    [Theory]
    [InlineData("--json")]
    [InlineData("--history")]
    public void Optimize_Diverges_ExitsThreeWithOneLineAndNoPlot(string extra)
    {
        var plot = Path.Combine(_dir, "trajectory.png");

        var (exit, output, error) = CliRunner.Run("optimize", "--function", "rosenbrock", "--optimizer", "sgd", "--lr", "1", "--steps", "100", "--plot", plot, extra);

        Assert.Equal(3, exit);
        Assert.Empty(output);
        var line = Assert.Single(error.TrimEnd('\n', '\r').Split('\n'));
        Assert.Matches(@"^error: diverged at step \d+: the (loss|gradient|parameters) (is|are) (NaN|infinite); try a smaller --lr", line);
        Assert.False(File.Exists(plot));
    }

    [Fact]
    public void Optimize_Converges_ExitsZeroAndWritesThePlot()
    {
        var plot = Path.Combine(_dir, "trajectory.png");

        var (exit, _, error) = CliRunner.Run("optimize", "--function", "quadratic", "--optimizer", "sgd", "--lr", "0.1", "--steps", "50", "--plot", plot, "--json");

        Assert.True(exit == 0, error);
        Assert.True(new FileInfo(plot).Length > 0);
    }
}
