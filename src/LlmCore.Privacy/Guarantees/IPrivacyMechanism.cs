namespace LlmCore.Privacy.Guarantees;

/// <summary>A differentially private mechanism: states the guarantee of one release and the sensitivity it assumes.</summary>
/// <remarks>Implementations in LlmCore.Privacy are immutable and thread-safe when their random source is.</remarks>
public interface IPrivacyMechanism
{
    /// <summary>Gets the guarantee one release of this mechanism gives.</summary>
    PrivacyGuarantee Guarantee { get; }

    /// <summary>Gets the sensitivity model the guarantee assumes.</summary>
    Sensitivity Sensitivity { get; }
}
