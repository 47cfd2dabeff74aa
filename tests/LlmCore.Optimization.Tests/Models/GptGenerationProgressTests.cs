using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Models;

/// <summary>The generation overload with progress and cancellation (the CLI's `generate` shows a bar and stops on Ctrl-C).</summary>
public class GptGenerationProgressTests
{
    [Fact]
    public void Generate_WithProgress_ReportsEachTokenAndGivesTheSameTokensAsThePlainOverload()
    {
        var model = new GptModel<float>(GptTestModels.Tiny(block: 8, vocab: 10, seed: 1));
        var generation = new GenerationOptions { Temperature = 0.9, TopK = 5, Seed = 3 };
        var reports = new List<int>();

        var tokens = model.Generate([1, 2, 3], 20, generation, new ListProgress(reports), CancellationToken.None);

        Assert.Equal(model.Generate([1, 2, 3], 20, generation), tokens);
        Assert.Equal(Enumerable.Range(1, 20), reports); // 1, 2, …, 20: one report per token, in order
    }

    [Fact]
    public void Generate_Cancelled_ThrowsBeforeTheFirstToken()
    {
        var model = new GptModel<float>(GptTestModels.Tiny(block: 8, vocab: 10, seed: 1));
        var reports = new List<int>();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => model.Generate([1, 2, 3], 1_000, null, new ListProgress(reports), cancellation.Token));
        Assert.Empty(reports);
    }

    private sealed class ListProgress(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }
}
