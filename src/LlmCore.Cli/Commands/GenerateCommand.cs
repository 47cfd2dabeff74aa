using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Commands.Train;
using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization.Models;
using Spectre.Console;

namespace LlmCore.Cli.Commands;

/// <summary>
/// <c>llmcore generate</c>: continues a prompt with a GPT model file written by <c>llmcore train --model gpt --save</c>,
/// greedily at temperature 0, otherwise by sampling softmax(logits / T), optionally from the top k, from a seed.
/// </summary>
internal static class GenerateCommand
{
    /// <summary>The most tokens one call generates.</summary>
    public const int MaxTokens = 100_000;

    /// <summary>From this many tokens a progress bar shows on a terminal (a large model makes one forward pass per token).</summary>
    private const int ProgressFromTokens = 1_000;

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = new Option<string>("--model") { Description = "A GPT model file written by llmcore train --model gpt --save.", Required = true, HelpName = "FILE" };
        var prompt = new Option<string>("--prompt") { Description = "The text to continue (at least one character).", Required = true };
        var tokens = new Option<int>("--tokens") { Description = $"How many tokens to generate, in [0, {MaxTokens}].", Required = true };
        var temperature = new Option<double>("--temperature") { Description = "The sampling temperature, finite and ≥ 0; 0 picks the most likely token (greedy).", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int?>("--top-k") { Description = "Sample only from the K most likely tokens, in [1, vocabulary size] (default: all)." };
        var seed = new Option<long>("--seed") { Description = "The seed of the sampling: the same seed gives the same text.", DefaultValueFactory = _ => 0 };

        var command = new Command("generate", "Continue a prompt with a trained GPT model file.");
        foreach (var option in new Option[] { model, prompt, tokens, temperature, topK, seed })
        {
            command.Options.Add(option);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult => Run(
            context,
            parseResult,
            parseResult.GetValue(model)!,
            parseResult.GetValue(prompt)!,
            parseResult.GetValue(tokens),
            parseResult.GetValue(temperature),
            parseResult.GetValue(topK),
            parseResult.GetValue(seed))));
        return command;
    }

    private static int Run(CliContext context, ParseResult parseResult, string path, string prompt, int tokens, double temperature, int? topK, long seed)
    {
        if (tokens < 0 || tokens > MaxTokens)
        {
            throw CliUsageException.ForOption("--tokens", $"must be in [0, {MaxTokens}]", tokens);
        }

        if (!double.IsFinite(temperature) || temperature < 0)
        {
            throw CliUsageException.ForOption("--temperature", "must be a finite number ≥ 0 (0 is greedy)", temperature);
        }

        if (prompt.Length == 0)
        {
            throw CliUsageException.ForOption("--prompt", "needs at least one character", "an empty prompt");
        }

        var loaded = ModelFiles.Load("--model", path);
        if (loaded is not GptModel<float> gpt)
        {
            throw CliUsageException.ForOption("--model", "must be a GPT model file (this one holds a sequence classifier, which does not generate text)", path);
        }

        if (temperature == 0 && topK is { } greedyK)
        {
            throw CliUsageException.ForOption("--top-k", "has no effect at --temperature 0 (greedy decoding always takes the most likely token); give a temperature > 0 or drop --top-k", greedyK);
        }

        var vocabulary = gpt.Options.VocabularySize;
        if (topK is { } k && (k < 1 || k > vocabulary))
        {
            throw CliUsageException.ForOption("--top-k", $"must be in [1, {vocabulary}] (the model's vocabulary)", k);
        }

        var tokenizer = ModelFiles.TokenizerOf("--model", path, gpt, vocabulary);
        var tokenizerName = tokenizer.Name;
        var promptTokens = tokenizer.Encode(prompt);
        var generationOptions = new GenerationOptions { Temperature = temperature, TopK = topK, Seed = seed };
        int[] generated = [];
        if (context.ShowProgress(parseResult) && tokens >= ProgressFromTokens)
        {
            context.Console.Progress().Start(ctx =>
            {
                var bar = ctx.AddTask(string.Create(CultureInfo.InvariantCulture, $"{tokens:N0} tokens (Ctrl-C stops)"), maxValue: tokens);
                generated = gpt.Generate(promptTokens, tokens, generationOptions, new BarProgress(bar), context.CancellationToken);
                bar.Value = tokens;
            });
        }
        else
        {
            generated = gpt.Generate(promptTokens, tokens, generationOptions, progress: null, context.CancellationToken);
        }

        var continuation = tokenizer.Decode(generated);
        var text = tokenizer.Decode([.. promptTokens, .. generated]);

        if (parseResult.GetValue(CliContext.JsonOption))
        {
            context.WriteJson(new
            {
                text,
                generatedTokens = generated.Length,
                continuation,
                promptTokens = promptTokens.Length,
                tokenizer = tokenizerName,
                temperature,
                topK,
                seed,
                model = path,
            });
            return CliApp.Success;
        }

        context.Output.WriteLine(text);
        if (context.Interactive)
        {
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"({generated.Length} tokens generated, {tokenizerName} tokenizer, temperature {temperature:G3}{(topK is { } kk ? $", top-k {kk}" : string.Empty)}, seed {seed})"));
        }

        return CliApp.Success;
    }

    /// <summary>Moves a progress bar to the number of tokens generated (called on the generating thread).</summary>
    private sealed class BarProgress(ProgressTask bar) : IProgress<int>
    {
        public void Report(int value) => bar.Value = value;
    }
}
