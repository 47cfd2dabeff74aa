using LlmCore.Optimization.Text;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// The MIME body extractor behind <see cref="SpamAssassinCorpus"/>: headers, multipart parts, quoted-printable and
/// base64 bodies, charsets and HTML. It reads whatever the corpus holds, so no input may make it throw.
/// </summary>
internal sealed class EmailBodyTarget : FuzzTarget
{
    public override string Name => "email-body";

    public override string Description => "EmailBody.Extract on the bytes as Latin-1 text (a raw message); accepts no exception";

    public override void Run(byte[] input)
    {
        // The corpus stores each raw message as a JSON string; Latin-1 maps every byte to one char, as such a string can hold.
        var message = System.Text.Encoding.Latin1.GetString(input);
        var body = EmailBody.Extract(message);
        Check(body is not null, "a body is never null");
        Check(!body.Contains('\r', StringComparison.Ordinal), "line ends in a body are \\n");
    }
}
