using System.Text;
using CsCheck;
using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Text;

public class EmailBodyTests
{
    [Fact]
    public void Extract_PlainMessage_DropsTheHeaders()
    {
        const string message = "From someone@example.com  Thu Aug 22 12:36:23 2002\nReturn-Path: <a@b>\nSubject: a folded\n  subject\n\nHello,\nworld.\n";
        Assert.Equal("Hello,\nworld.", EmailBody.Extract(message));
    }

    [Fact]
    public void Extract_CrLfLineEnds_AreNormalised()
    {
        Assert.Equal("one\ntwo", EmailBody.Extract("Subject: x\r\n\r\none\r\ntwo\r\n"));
    }

    // RFC 2046 §5.1.1, the multipart example: the preamble and epilogue are not parts; the first part has no headers
    // (implicitly text/plain); the line break before a delimiter belongs to the delimiter.
    [Fact]
    public void Extract_Rfc2046MultipartExample_KeepsBothTextParts()
    {
        const string message = """
            From: Nathaniel Borenstein <nsb@bellcore.com>
            To: Ned Freed <ned@innosoft.com>
            Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)
            Subject: Sample message
            MIME-Version: 1.0
            Content-type: multipart/mixed; boundary="simple boundary"

            This is the preamble.  It is to be ignored, though it
            is a handy place for composition agents to include an
            explanatory note to non-MIME conformant readers.

            --simple boundary

            This is implicitly typed plain US-ASCII text.
            It does NOT end with a linebreak.
            --simple boundary
            Content-type: text/plain; charset=us-ascii

            This is explicitly typed plain US-ASCII text.
            It DOES end with a linebreak.

            --simple boundary--

            This is the epilogue.  It is also to be ignored.
            """;

        Assert.Equal(
            "This is implicitly typed plain US-ASCII text.\nIt does NOT end with a linebreak.\n\nThis is explicitly typed plain US-ASCII text.\nIt DOES end with a linebreak.",
            EmailBody.Extract(message));
    }

    [Fact]
    public void Extract_MultipartAlternative_PrefersThePlainPart()
    {
        const string message = "Content-Type: multipart/alternative; boundary=b1\n\n--b1\nContent-Type: text/html\n\n<p>Rich</p>\n--b1\nContent-Type: text/plain\n\nPlain\n--b1--\n";
        Assert.Equal("Plain", EmailBody.Extract(message));
    }

    [Fact]
    public void Extract_NestedMultipartWithAttachment_SkipsTheAttachment()
    {
        const string message = "Content-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n--inner\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9\n--inner--\n--outer\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: attachment; filename=notes.txt\n\nsecret attachment\n--outer\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\nR0lGODlh\n--outer--\n";
        Assert.Equal("caf\u00E9", EmailBody.Extract(message));
    }

    // RFC 2045 §6.7 rule (5): "Now's the time =" + line break + "for all folk to come=" + line break + " to the aid of
    // their country." decodes to one line; "=3D" is "=" (rule 1).
    [Fact]
    public void Extract_QuotedPrintable_DecodesSoftBreaksAndEscapes()
    {
        const string message = "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nNow's the time =\nfor all folk to come=\n to the aid of their country. a=3Db\n";
        Assert.Equal("Now's the time for all folk to come to the aid of their country. a=b", EmailBody.Extract(message));
    }

    [Theory]
    [InlineData("=XY and = alone", "=XY and = alone")] // malformed escapes stay as they are
    [InlineData("caf=E9", "caf\u00E9")] // no charset and not UTF-8: Latin-1
    [InlineData("=E2=82=AC", "\u20AC")] // no charset but valid UTF-8
    public void DecodeQuotedPrintable_Cases(string encoded, string expected)
    {
        var message = "Content-Transfer-Encoding: quoted-printable\n\n" + encoded;
        Assert.Equal(expected, EmailBody.Extract(message));
    }

    // RFC 4648 §10 test vectors: BASE64("foobar") = "Zm9vYmFy", BASE64("fo") = "Zm8=".
    [Theory]
    [InlineData("Zm9vYmFy", "foobar")]
    [InlineData("Zm8=", "fo")]
    [InlineData("Zm9v\nYmFy\n", "foobar")]
    [InlineData("Zm9vYmF", "fooba")] // a last group of 3 characters carries 2 bytes
    [InlineData("YQ0KYg0=", "a\nb")] // "a\r\nb\r": decoded line ends become \n
    public void Extract_Base64Part_IsDecoded(string encoded, string expected)
    {
        var message = "Content-Type: text/plain; charset=\"us-ascii\"\nContent-Transfer-Encoding: base64\n\n" + encoded;
        Assert.Equal(expected, EmailBody.Extract(message));
    }

    [Fact]
    public void Extract_UndeclaredHtml_IsStripped()
    {
        Assert.Equal("Thank you!", EmailBody.Extract("Subject: FW:\nContent-Transfer-Encoding: quoted-printable\n\n\n<HTML>\n<BODY bgColor=3D#C0C0C0>\n<FONT face=3D\"Arial\">Thank you!</FONT></BODY></HTML>"));
    }

    [Fact]
    public void Extract_InlineFileNameOnTheMessage_IsStillTheBody()
    {
        Assert.Equal("Dear Friend", EmailBody.Extract("Content-Type: text/html\nContent-Disposition: inline; filename=\"filename.html\"\n\n<p>Dear Friend</p>"));
    }

    [Fact]
    public void Extract_HtmlOnly_StripsTagsScriptsAndEntities()
    {
        const string message = "Content-Type: text/html\n\n<html><head><style>p { color: red }</style><script>var x = '<p>';</script></head>\n<body><p>Hi &amp; bye&nbsp;now</p><br>Line <b>two</b><!-- hidden <p> --><table><tr><td>a</td><td>b</td></tr></table> 3 &lt; 4</body></html>";
        Assert.Equal("Hi & bye now\n\nLine two\n\na b\n\n3 < 4", EmailBody.Extract(message));
    }

    [Theory]
    [InlineData("Subject: no body", "")] // headers only
    [InlineData("Content-Type: multipart/mixed\n\nno boundary parameter", "no boundary parameter")]
    [InlineData("Content-Type: multipart/mixed; boundary=zz\n\nno delimiter line", "no delimiter line")]
    [InlineData("Content-Type: image/png\n\niVBORw0KGgo=", "")] // no text part
    [InlineData("\n\nbody after an empty header block", "body after an empty header block")]
    [InlineData("Content-Type: text/html\n\na < b and c > d <", "a < b and c > d <")]
    public void Extract_OddMessages_DoNotThrow(string message, string expected)
    {
        Assert.Equal(expected, EmailBody.Extract(message));
    }

    [Fact]
    public void Extract_RandomMimeLikeText_NeverThrows()
    {
        string[] pieces =
        [
            "Content-Type: multipart/mixed; boundary=b\n", "Content-Type: multipart/alternative; boundary=\"b\"\n",
            "Content-Type: text/html; charset=utf-8\n", "Content-Type: message/rfc822\n", "Content-Type: text/plain; charset=gb2312\n",
            "Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n", "Content-Disposition: attachment\n",
            "--b\n", "--b--\n", "\n", "\n\n", "=", "=4", "=C3=A9", "=\n", "<", ">", "<script>", "</script", "<!--", "&amp;", "&#x", "\u00E9",
            "\uD800", "\r", " ", "\t", "x", "Zm9v", "====", ":", "Subject:",
        ];
        Gen.Int[0, pieces.Length - 1].Array[0, 60].Sample(
            indices =>
            {
                var message = string.Concat(indices.Select(i => pieces[i]));
                var body = EmailBody.Extract(message);
                return body is not null;
            },
            iter: 5000,
            seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void StripHtml_DeepNestingAndLongInput_IsLinear()
    {
        var html = new StringBuilder().Insert(0, "<div><span>x</span>", 20000).ToString();
        Assert.Equal(20000, EmailBody.StripHtml(html).Count(static c => c == 'x'));
    }
}
