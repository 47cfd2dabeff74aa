namespace LlmCore.Optimization.Text;

/// <summary>One message of the SpamAssassin public corpus, with its extracted body and its place in the fixed splits.</summary>
/// <param name="Group">The package's message group: <c>easy-ham-1</c>, <c>easy-ham-2</c>, <c>hard-ham-1</c>, <c>spam-1</c> or <c>spam-2</c>.</param>
/// <param name="Id">The message's number within its group (for example <c>00001</c>).</param>
/// <param name="Checksum">The MD5 checksum (32 lowercase hex digits) the corpus names the message by: unique across the corpus.</param>
/// <param name="Body">The readable body: headers removed, MIME decoded, HTML stripped (see <see cref="SpamAssassinCorpus"/>).</param>
/// <remarks>This record is immutable and thread-safe.</remarks>
public sealed record SpamAssassinMessage(string Group, string Id, string Checksum, string Body)
{
    /// <summary>Gets a value indicating whether the message is spam (group <c>spam-1</c> or <c>spam-2</c>); ham otherwise.</summary>
    public bool IsSpam => Group.StartsWith("spam", StringComparison.Ordinal);

    /// <summary>Gets the class index of the spam task: 1 for spam, 0 for ham (<see cref="SpamAssassinCorpus.ClassNames"/>).</summary>
    public int Label => IsSpam ? 1 : 0;

    /// <summary>
    /// Gets a value indicating whether the message is in the spam task's test part (about 20%): when the first 8 hex
    /// digits of <see cref="Checksum"/>, read as an unsigned 32-bit number, are divisible by 5.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="Checksum"/> does not start with 8 hex digits (a message built by hand).</exception>
    public bool IsTest => SpamAssassinCorpus.IsTestChecksum(Checksum);

    /// <summary>
    /// Gets a value indicating whether the message is in the public part of the private fine-tuning task: the groups
    /// collected first (<c>easy-ham-1</c>, <c>hard-ham-1</c>, <c>spam-1</c>) are public, the later ones
    /// (<c>easy-ham-2</c>, <c>spam-2</c>) private.
    /// </summary>
    public bool IsPublic => Group.EndsWith("-1", StringComparison.Ordinal);
}
