namespace LlmCore.Commercialization.Serving.Internal;

/// <summary>
/// The workload of MLPerf Inference's Llama-2-70B benchmark (v4.0 onwards): 24,576 OpenOrca prompts
/// (<c>open_orca_gpt4_tokenized_llama.sampled_24576.pkl</c>), the Server scenario's Poisson arrivals and its run length.
/// </summary>
/// <remarks>
/// <para>Prompt lengths: 48 to 1,021 tokens, 5,463,976 in all, so 222.33 on average (the length columns of the official
/// dataset file, md5 c247a315b9328365f66d2c2585b35cd4, as extracted and digest-checked in
/// FlashLab-MBZUAI/HBFSim@96cf1b37, <c>validation/calibration/h100-llama2-70b-calibration-protocol.json</c>,
/// <c>workload_evidence.lengths_csv</c>; the dataset is filtered to prompts of at most 1,024 tokens,
/// mlcommons/inference <c>language/llama2-70b/README.md</c>, <c>processorca.py --seqlen_limit=1024</c>). Only the
/// minimum, maximum and sum are published there, not the distribution, so the validation uses the mean.</para>
/// <para>Output lengths are what the model generates (up to <c>max_output_len</c> 1,024, NVIDIA's generation_config.json),
/// not the dataset's reference answers (which average 5,379,553 / 24,576 = 218.9 tokens); each published log gives the
/// mean generated length as tokens/s ÷ samples/s (290–293; 294.45 in the reference accuracy run).</para>
/// <para>Run length: loadgen's Server scenario issues Poisson queries for at least <c>min_duration</c> (600 s in
/// mlcommons/inference <c>loadgen/mlperf.conf</c>; NVIDIA's and Fujitsu's v4.1 Server configs raise it to 2,400 s) and
/// measures every query of the run, ramp-up included.</para>
/// <para>Thread-safe (immutable).</para>
/// </remarks>
internal static class MlPerfOpenOrca
{
    /// <summary>The mean prompt length, rounded: 5,463,976 / 24,576 = 222.33 tokens.</summary>
    public const int MeanInputTokens = 222;

    /// <summary>The shortest prompt, tokens.</summary>
    public const int MinInputTokens = 48;

    /// <summary>The longest prompt, tokens.</summary>
    public const int MaxInputTokens = 1021;

    /// <summary>The Server scenario's default minimum run length, seconds (<c>*.Server.min_duration = 600000</c> ms).</summary>
    public const double MinDurationSeconds = 600.0;

    /// <summary>Gets the prompt lengths the validation replays: every prompt at the dataset's mean.</summary>
    public static TokenLengths Input { get; } = TokenLengths.Fixed(MeanInputTokens);
}
