using System.Globalization;
using System.Net;
using System.Text;

namespace LlmCore.Optimization.Text;

/// <summary>
/// Extracts the readable body of a raw e-mail message (RFC 5322 headers, a blank line, the body; MIME per RFC 2045–2046).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Headers end at the first blank line; folded header lines are unfolded; a leading mbox <c>From </c> line is ignored.</item>
/// <item>A <c>multipart/*</c> body is split at its boundary, recursively (and <c>message/rfc822</c> parts are read as
/// messages): the body is the <c>text/plain</c> parts (other <c>text/*</c> but HTML count as plain), joined by a blank line;
/// when there is none, the <c>text/html</c> parts with their tags stripped; parts declared attachments, or naming a file without being declared inline, are skipped.
/// A message with no text part has an empty body.</item>
/// <item><c>quoted-printable</c> and <c>base64</c> parts are decoded; the bytes are read in the declared charset when it is
/// UTF-8 or Latin-1 (ISO-8859-1, Windows-1252, US-ASCII), otherwise as UTF-8 when they are valid UTF-8, else as Latin-1.</item>
/// <item>A text part that starts with <c>&lt;html</c> or <c>&lt;!DOCTYPE html</c> is read as HTML whatever its declared type
/// (much spam sends HTML undeclared).</item>
/// <item>HTML: comments, <c>script</c> and <c>style</c> elements are dropped, block tags (<c>br</c>, <c>p</c>, <c>div</c>,
/// <c>tr</c>, <c>li</c>, headings, ...) become line breaks, other tags are removed, entities are decoded, and runs of
/// blanks collapse.</item>
/// <item>Line ends become <c>\n</c> and the result is trimmed. The extraction never throws: when a message cannot be
/// parsed it falls back to the raw text after the first blank line.</item>
/// </list>
/// This type is stateless and thread-safe.
/// </remarks>
internal static class EmailBody
{
    private const int MaxDepth = 8;

    private static readonly HashSet<string> s_blockTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "br", "p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote", "pre", "title", "dd", "dt",
    };

    /// <summary>Gets the readable body of a raw message.</summary>
    public static string Extract(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = message.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        try
        {
            var (headers, body) = SplitHeaders(text);
            var plain = new List<string>();
            var html = new List<string>();
            Collect(headers, body, plain, html, 0);
            plain.RemoveAll(static p => p.Length == 0);
            var result = plain.Count > 0 ? string.Join("\n\n", plain) : string.Join("\n\n", html.Select(StripHtml).Where(static h => h.Length > 0));
            return result.Trim();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or DecoderFallbackException or IndexOutOfRangeException)
        {
            return RawBody(text).Trim();
        }
    }

    /// <summary>Removes the tags of an HTML text and decodes its entities.</summary>
    internal static string StripHtml(string html)
    {
        var output = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c != '<')
            {
                output.Append(c);
                i++;
                continue;
            }

            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }

            var close = html.IndexOf('>', i + 1);
            var next = i + 1 < html.Length ? html[i + 1] : '\0';
            if (close < 0 || !(char.IsAsciiLetter(next) || next is '/' or '!' or '?'))
            {
                output.Append(c);
                i++;
                continue;
            }

            var name = TagName(html, i + 1, close);
            if (!html[i + 1].Equals('/') && (name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase)))
            {
                var end = html.IndexOf("</" + name, close + 1, StringComparison.OrdinalIgnoreCase);
                var endClose = end < 0 ? -1 : html.IndexOf('>', end);
                i = endClose < 0 ? html.Length : endClose + 1;
                continue;
            }

            if (s_blockTags.Contains(name))
            {
                output.Append('\n');
            }
            else if (name.Equals("td", StringComparison.OrdinalIgnoreCase) || name.Equals("th", StringComparison.OrdinalIgnoreCase))
            {
                output.Append(' ');
            }

            i = close + 1;
        }

        return CollapseBlanks(WebUtility.HtmlDecode(output.ToString()));
    }

    /// <summary>Decodes quoted-printable text (RFC 2045 §6.7) into bytes; malformed escapes are kept as they are.</summary>
    internal static byte[] DecodeQuotedPrintable(string text)
    {
        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '=')
            {
                // A soft line break: '=' then optional blanks then the line end.
                var j = i + 1;
                while (j < text.Length && text[j] is ' ' or '\t')
                {
                    j++;
                }

                if (j < text.Length && text[j] == '\n')
                {
                    i = j;
                    continue;
                }

                if (j == text.Length)
                {
                    break;
                }

                if (i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
                {
                    bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    continue;
                }
            }

            if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
                var n = Encoding.UTF8.GetBytes(text.AsSpan(i, length), utf8);
                for (var k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }

                i += length - 1;
            }
        }

        return [.. bytes];
    }

    /// <summary>Decodes base64 text, ignoring characters outside the base64 alphabet and a truncated last group.</summary>
    internal static byte[] DecodeBase64(string text)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/')
            {
                clean.Append(c);
            }
        }

        clean.Length -= clean.Length % 4 == 1 ? 1 : 0;
        while (clean.Length % 4 != 0)
        {
            clean.Append('=');
        }

        return Convert.FromBase64String(clean.ToString());
    }

    private static void Collect(Dictionary<string, string> headers, string body, List<string> plain, List<string> html, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        var (type, parameters) = ContentType(headers);

        if (type.StartsWith("multipart/", StringComparison.Ordinal))
        {
            // Without a boundary, or when no delimiter line is found, the body is read as plain text.
            var parts = parameters.TryGetValue("boundary", out var boundary) && boundary.Length > 0 ? SplitMultipart(body, boundary) : [];
            if (parts.Count == 0)
            {
                plain.Add(body.Trim());
                return;
            }

            foreach (var part in parts)
            {
                var (partHeaders, partBody) = SplitHeaders(part, isPart: true);
                Collect(partHeaders, partBody, plain, html, depth + 1);
            }

            return;
        }

        if (type == "message/rfc822")
        {
            var (innerHeaders, innerBody) = SplitHeaders(body);
            Collect(innerHeaders, innerBody, plain, html, depth + 1);
            return;
        }

        if (!type.StartsWith("text/", StringComparison.Ordinal) || IsAttachment(headers, parameters, depth))
        {
            return;
        }

        var text = Decode(body, headers, parameters).Trim();
        (type == "text/html" || LooksLikeHtml(text) ? html : plain).Add(text);
    }

    private static string Decode(string body, Dictionary<string, string> headers, Dictionary<string, string> parameters)
    {
        headers.TryGetValue("content-transfer-encoding", out var encoding);
        encoding = encoding?.Trim().ToLowerInvariant();
        byte[] bytes;
        if (encoding == "quoted-printable")
        {
            bytes = DecodeQuotedPrintable(body);
        }
        else if (encoding == "base64")
        {
            bytes = DecodeBase64(body);
        }
        else
        {
            return body;
        }

        parameters.TryGetValue("charset", out var charset);
        return GetString(bytes, charset?.Trim().ToLowerInvariant()).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
    }

    private static string GetString(byte[] bytes, string? charset)
    {
        switch (charset)
        {
            case "utf-8" or "utf8":
                return Encoding.UTF8.GetString(bytes);
            case "iso-8859-1" or "latin1" or "iso_8859-1" or "windows-1252" or "cp1252" or "us-ascii" or "ascii":
                return Encoding.Latin1.GetString(bytes);
            default:
                var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
                try
                {
                    return strict.GetString(bytes);
                }
                catch (DecoderFallbackException)
                {
                    return Encoding.Latin1.GetString(bytes);
                }
        }
    }

    private static bool IsAttachment(Dictionary<string, string> headers, Dictionary<string, string> contentTypeParameters, int depth)
    {
        // The message itself is never an attachment; a part is one when its disposition says so, or when it names a
        // file and is not declared inline.
        if (depth == 0)
        {
            return false;
        }

        headers.TryGetValue("content-disposition", out var disposition);
        disposition = disposition?.TrimStart() ?? string.Empty;
        if (disposition.StartsWith("attachment", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return !disposition.StartsWith("inline", StringComparison.OrdinalIgnoreCase)
            && (contentTypeParameters.ContainsKey("name") || Parameters(disposition).ContainsKey("filename"));
    }

    private static List<string> SplitMultipart(string body, string boundary)
    {
        // RFC 2046 §5.1.1: parts sit between lines "--boundary"; "--boundary--" closes; text before the first
        // delimiter (the preamble) and after the close (the epilogue) is not a part.
        var delimiter = "--" + boundary;
        var parts = new List<string>();
        StringBuilder? current = null;
        foreach (var line in body.Split('\n'))
        {
            var trimmed = line.TrimEnd();
            if (trimmed.StartsWith(delimiter, StringComparison.Ordinal))
            {
                var rest = trimmed[delimiter.Length..];
                if (rest.Length == 0 || rest == "--")
                {
                    if (current is not null)
                    {
                        parts.Add(current.ToString());
                    }

                    if (rest.Length != 0)
                    {
                        return parts;
                    }

                    current = new StringBuilder();
                    continue;
                }
            }

            current?.Append(line).Append('\n');
        }

        if (current is not null)
        {
            parts.Add(current.ToString());
        }

        return parts;
    }

    private static (Dictionary<string, string> Headers, string Body) SplitHeaders(string text, bool isPart = false)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        int bodyStart;
        string block;
        if (isPart && text.StartsWith('\n'))
        {
            // A part without headers: its body starts after the empty line.
            return (headers, text[1..]);
        }

        if (end < 0)
        {
            block = text;
            bodyStart = text.Length;
        }
        else
        {
            block = text[..end];
            bodyStart = end + 2;
        }

        string? name = null;
        var value = new StringBuilder();
        foreach (var line in block.Split('\n'))
        {
            if (line.Length > 0 && line[0] is ' ' or '\t')
            {
                if (name is not null)
                {
                    value.Append(' ').Append(line.Trim());
                }

                continue;
            }

            Add(headers, name, value);
            name = null;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !line.AsSpan(0, colon).ContainsAny(' ', '\t'))
            {
                name = line[..colon];
                value.Clear().Append(line.AsSpan(colon + 1).Trim());
            }
        }

        Add(headers, name, value);
        return (headers, text[bodyStart..]);

        static void Add(Dictionary<string, string> headers, string? name, StringBuilder value)
        {
            if (name is not null)
            {
                headers.TryAdd(name, value.ToString());
            }
        }
    }

    private static (string Type, Dictionary<string, string> Parameters) ContentType(Dictionary<string, string> headers)
    {
        if (!headers.TryGetValue("content-type", out var header))
        {
            return ("text/plain", new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
        }

        var semicolon = header.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon < 0 ? header : header[..semicolon]).Trim().ToLowerInvariant();
        return (type.Contains('/', StringComparison.Ordinal) ? type : "text/plain", Parameters(header));
    }

    private static Dictionary<string, string> Parameters(string header)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = header.IndexOf(';', StringComparison.Ordinal);
        while (i >= 0 && i < header.Length)
        {
            var equals = header.IndexOf('=', i + 1);
            if (equals < 0)
            {
                break;
            }

            var key = header[(i + 1)..equals].Trim();
            var j = equals + 1;
            while (j < header.Length && header[j] is ' ' or '\t')
            {
                j++;
            }

            string value;
            if (j < header.Length && header[j] == '"')
            {
                var close = header.IndexOf('"', j + 1);
                value = close < 0 ? header[(j + 1)..] : header[(j + 1)..close];
                i = close < 0 ? -1 : header.IndexOf(';', close + 1);
            }
            else
            {
                var next = header.IndexOf(';', j);
                value = (next < 0 ? header[j..] : header[j..next]).Trim();
                i = next;
            }

            if (key.Length > 0)
            {
                result.TryAdd(key, value);
            }
        }

        return result;
    }

    // Many spam messages send HTML without declaring it (no Content-Type at all, or text/plain).
    private static bool LooksLikeHtml(string text) =>
        text.StartsWith("<html", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase);

    private static string RawBody(string text)
    {
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        return end < 0 ? string.Empty : text[(end + 2)..];
    }

    private static string TagName(string html, int start, int end)
    {
        var i = start;
        if (i < end && html[i] == '/')
        {
            i++;
        }

        var nameStart = i;
        while (i < end && char.IsAsciiLetterOrDigit(html[i]))
        {
            i++;
        }

        return html[nameStart..i];
    }

    private static string CollapseBlanks(string text)
    {
        var output = new StringBuilder(text.Length);
        var newlines = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                newlines++;
                pendingSpace = false;
                continue;
            }

            if (c is ' ' or '\t' or '\u00A0' or '\r' or '\f')
            {
                pendingSpace = true;
                continue;
            }

            if (newlines > 0)
            {
                if (output.Length > 0)
                {
                    output.Append('\n', Math.Min(newlines, 2));
                }

                newlines = 0;
            }
            else if (pendingSpace && output.Length > 0)
            {
                output.Append(' ');
            }

            pendingSpace = false;
            output.Append(c);
        }

        return output.ToString();
    }
}
