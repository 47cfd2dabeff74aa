namespace LlmCore.Optimization.Text;

/// <summary>Where <see cref="SequenceClassificationDataset{T}"/> puts the padding of a document shorter than the block.</summary>
public enum PaddingSide
{
    /// <summary>After the document: its tokens start at position 0 (for mean pooling over the real tokens, or a first-position head).</summary>
    Right = 0,

    /// <summary>Before the document: its last token is at position T − 1 (for a head on the last position of a causal model).</summary>
    Left = 1,
}
