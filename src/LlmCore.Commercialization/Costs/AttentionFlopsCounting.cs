namespace LlmCore.Commercialization.Costs;

/// <summary>How the attention score and value FLOPs (the part of training compute that 6·N·D leaves out) are counted.</summary>
/// <remarks>
/// Per trained token, the two attention matrix products cost 12·L·s·d FLOPs when every query meets every key
/// (the convention of PaLM's MFU, Chowdhery et al. 2022, arXiv:2204.02311, Appendix B: 6N + 12·L·H·Q·T), and half
/// that when only the causal lower triangle is computed (the FlashAttention convention; DeepSeek-V3 reports both).
/// </remarks>
public enum AttentionFlopsCounting
{
    /// <summary>Only the causal half: 6·L·s·d FLOPs per trained token.</summary>
    Causal = 0,

    /// <summary>The full square: 12·L·s·d FLOPs per trained token.</summary>
    Full = 1,

    /// <summary>Leave the attention term out: 6·N·D only.</summary>
    None = 2,
}
