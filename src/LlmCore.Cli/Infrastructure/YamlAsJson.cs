using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmCore.Scheduling;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LlmCore.Cli.Infrastructure;

/// <summary>
/// Reads the YAML form of the scheduling files (<c>--cluster</c>, <c>--throughputs</c>): converts one YAML document to
/// the equivalent JSON, which the library's reader checks, and maps the place of any error back to the YAML file's line
/// and column. The library packages read JSON only (DESIGN.md: a library depends on no YAML parser); the CLI reads both.
/// </summary>
/// <remarks>
/// Scalars resolve as YAML 1.2's core schema does (https://yaml.org/spec/1.2.2/#1032-tag-resolution): a plain scalar is
/// null (<c>null</c>, <c>~</c>, empty), a boolean (<c>true</c>, <c>false</c>), a number (decimal, <c>0x</c> hexadecimal,
/// <c>0o</c> octal) or else a string; a quoted or block scalar, or one tagged <c>!!str</c>, is a string (so a name that
/// reads as a number is quoted: <c>gpuType: "4090"</c>). <c>.inf</c> and <c>.nan</c> are refused (no value of these
/// files may be infinite or NaN). Keys are scalars and may not repeat. An alias repeats its anchor's value (errors inside
/// it name the anchor's place); the JSON may grow to at most <see cref="MaxJsonBytes"/> through aliases. Merge keys
/// (<c>&lt;&lt;</c>) are not YAML 1.2 and are ordinary keys. Stateless and thread-safe.
/// </remarks>
internal static class YamlAsJson
{
    /// <summary>The largest JSON a YAML file may turn into (aliases repeat text: "billion laughs" stop here).</summary>
    internal const int MaxJsonBytes = 64 << 20;

    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>Whether a file name ends in <c>.yaml</c> or <c>.yml</c> (any case).</summary>
    public static bool IsYamlPath(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a YAML file with a reader of the JSON form, reporting errors at their YAML line and column.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SchedulingFileException">The file is not valid YAML, or the reader refuses its content.</exception>
    public static T Load<T>(string path, Func<string, string, T> parseJson)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The file '{path}' does not exist.", path);
        }

        return Read(File.ReadAllText(path), Path.GetFileName(path), parseJson);
    }

    /// <summary>Reads YAML text with a reader of the JSON form, reporting errors at their YAML line and column.</summary>
    /// <exception cref="SchedulingFileException">The text is not valid YAML, or the reader refuses its content.</exception>
    public static T Read<T>(string yaml, string source, Func<string, string, T> parseJson)
    {
        var converted = Convert(yaml, source);
        try
        {
            return parseJson(converted.Json, source);
        }
        catch (SchedulingFileException ex) when (ex.Problem is not null)
        {
            var (line, column) = converted.YamlPlace(ex.Line, ex.Column);
            throw new SchedulingFileException(source, line, column, ex.Problem, ex);
        }
    }

    /// <summary>Converts one YAML document to JSON on one line, remembering where each JSON value came from.</summary>
    /// <exception cref="SchedulingFileException">The text is not valid YAML or uses what JSON cannot say (see the remarks).</exception>
    public static Converted Convert(string yaml, string source)
    {
        var writer = new Writer(source);
        var parser = new Parser(new StringReader(yaml));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                throw new SchedulingFileException(source, 1, 1, "the file is empty; expected a YAML mapping");
            }

            parser.Consume<DocumentStart>();
            writer.Value(parser);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                var next = parser.Current!.Start;
                throw new SchedulingFileException(source, (int)next.Line, (int)next.Column, "a second YAML document; the file must hold one");
            }
        }
        catch (YamlException ex)
        {
            // YamlDotNet's message starts with its own "(Line: 1, Col: 2, Idx: 1) - (...): " place.
            var message = ex.Message;
            var cut = message.IndexOf("): ", StringComparison.Ordinal);
            message = message.StartsWith('(') && cut > 0 ? message[(cut + 3)..] : message;
            throw new SchedulingFileException(source, (int)ex.Start.Line, (int)ex.Start.Column, "not valid YAML: " + message.TrimEnd('.', ' '), ex);
        }

        return new Converted(writer.Text(), writer.Places);
    }

    /// <summary>The JSON text and, by the 1-based UTF-8 column of each value on its one line (in increasing order), the
    /// YAML place it came from.</summary>
    internal sealed class Converted(string json, List<(int JsonColumn, int Line, int Column)> places)
    {
        public string Json { get; } = json;

        /// <summary>The YAML place of a JSON place: the value starting there, or else the nearest one before it.</summary>
        public (int Line, int Column) YamlPlace(int jsonLine, int jsonColumn)
        {
            var i = LastAtOrBefore(places, jsonColumn);
            return jsonLine != 1 || i < 0 ? (1, 1) : (places[i].Line, places[i].Column);
        }

        /// <summary>The index of the last entry whose JSON column is at most <paramref name="column"/>, or −1.</summary>
        internal static int LastAtOrBefore(List<(int JsonColumn, int Line, int Column)> places, int column)
        {
            var lo = -1;
            var hi = places.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (places[mid].JsonColumn <= column)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return lo;
        }
    }

    private sealed class Writer(string source)
    {
        private readonly StringBuilder _json = new();
        private readonly Dictionary<string, (int Start, int End, int StartBytes, int EndBytes)> _anchors = new(StringComparer.Ordinal);
        private int _bytes;

        public List<(int JsonColumn, int Line, int Column)> Places { get; } = [];

        public string Text() => _json.ToString();

        public void Value(IParser parser)
        {
            var current = parser.Current!;
            var place = ((int)current.Start.Line, (int)current.Start.Column);
            var start = _json.Length;
            var startBytes = _bytes;
            parser.MoveNext();
            if (current is AnchorAlias alias)
            {
                Repeat(alias.Value.Value, place);
                return;
            }

            if (current is not NodeEvent node)
            {
                throw new SchedulingFileException(source, place.Item1, place.Item2, "unexpected YAML " + current.GetType().Name);
            }

            Places.Add((_bytes + 1, place.Item1, place.Item2));
            switch (node)
            {
                case Scalar scalar:
                    Append(Literal(scalar, place));
                    break;
                case MappingStart:
                    Append("{");
                    var keys = new HashSet<string>(StringComparer.Ordinal);
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        if (parser.Current is not Scalar key)
                        {
                            var at = parser.Current!.Start;
                            throw new SchedulingFileException(source, (int)at.Line, (int)at.Column, "a key must be a scalar (text), not a mapping, sequence or alias");
                        }

                        if (!keys.Add(key.Value))
                        {
                            throw new SchedulingFileException(source, (int)key.Start.Line, (int)key.Start.Column, $"the key '{key.Value}' is repeated");
                        }

                        parser.MoveNext();
                        Append(keys.Count > 1 ? "," : string.Empty);
                        Append(Quoted(key.Value) + ":");
                        Value(parser);
                    }

                    Append("}");
                    break;
                default:
                    Append("[");
                    var first = true;
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        Append(first ? string.Empty : ",");
                        first = false;
                        Value(parser);
                    }

                    Append("]");
                    break;
            }

            if (!node.Anchor.IsEmpty)
            {
                _anchors[node.Anchor.Value] = (start, _json.Length, startBytes, _bytes);
            }
        }

        private void Repeat(string name, (int Line, int Column) place)
        {
            if (!_anchors.TryGetValue(name, out var anchored))
            {
                throw new SchedulingFileException(source, place.Line, place.Column, $"unknown alias '*{name}' (an anchor '&{name}' must come first)");
            }

            if ((long)_bytes + (anchored.EndBytes - anchored.StartBytes) > MaxJsonBytes)
            {
                throw new SchedulingFileException(source, place.Line, place.Column, string.Create(CultureInfo.InvariantCulture, $"aliases make the file larger than {MaxJsonBytes >> 20} MB of JSON"));
            }

            // The repeated values keep the places of the anchored ones (a contiguous run of the list: columns only grow).
            var shift = _bytes - anchored.StartBytes;
            var from = Converted.LastAtOrBefore(Places, anchored.StartBytes) + 1;
            var to = Converted.LastAtOrBefore(Places, anchored.EndBytes);
            for (var i = from; i <= to; i++)
            {
                var (column, line, yamlColumn) = Places[i];
                Places.Add((column + shift, line, yamlColumn));
            }

            Append(_json.ToString(anchored.Start, anchored.End - anchored.Start));
        }

        private string Literal(Scalar scalar, (int Line, int Column) place)
        {
            var value = scalar.Value;
            if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag))
            {
                return Quoted(value);
            }

            switch (value)
            {
                case "" or "~" or "null" or "Null" or "NULL":
                    return "null";
                case "true" or "True" or "TRUE":
                    return "true";
                case "false" or "False" or "FALSE":
                    return "false";
                default:
                    break;
            }

            var unsigned = value.TrimStart('+', '-');
            if (value.Length - unsigned.Length <= 1 && unsigned is ".inf" or ".Inf" or ".INF" or ".nan" or ".NaN" or ".NAN")
            {
                throw new SchedulingFileException(source, place.Line, place.Column, $"'{value}' is not a finite number");
            }

            return Number(value) ?? Quoted(value);
        }

        private void Append(string text)
        {
            _json.Append(text);
            _bytes += Encoding.UTF8.GetByteCount(text);
        }

        private static string Quoted(string text) => "\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value + "\"";

        /// <summary>The JSON number of a plain scalar that YAML 1.2's core schema reads as an integer or a float, else null.</summary>
        private static string? Number(string value)
        {
            var invariant = CultureInfo.InvariantCulture;
            if (value.StartsWith("0x", StringComparison.Ordinal) && value.Length > 2)
            {
                return ulong.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, invariant, out var hex) ? hex.ToString(invariant) : null;
            }

            if (value.StartsWith("0o", StringComparison.Ordinal) && value.Length > 2)
            {
                try
                {
                    return System.Convert.ToUInt64(value[2..], 8).ToString(invariant);
                }
                catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                {
                    return null;
                }
            }

            // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
            var i = value.Length > 0 && value[0] is '+' or '-' ? 1 : 0;
            var digits = 0;
            for (; i < value.Length && char.IsAsciiDigit(value[i]); i++)
            {
                digits++;
            }

            if (i < value.Length && value[i] == '.')
            {
                for (i++; i < value.Length && char.IsAsciiDigit(value[i]); i++)
                {
                    digits++;
                }
            }

            if (digits == 0)
            {
                return null;
            }

            if (i < value.Length && value[i] is 'e' or 'E')
            {
                i++;
                if (i < value.Length && value[i] is '+' or '-')
                {
                    i++;
                }

                var exponent = i;
                while (i < value.Length && char.IsAsciiDigit(value[i]))
                {
                    i++;
                }

                if (i == exponent)
                {
                    return null;
                }
            }

            // Re-written in JSON's grammar (no "+", no ".5", no "5."): the round-trip form of the value it reads as.
            return i == value.Length && double.TryParse(value, NumberStyles.Float, invariant, out var number) && double.IsFinite(number)
                ? number.ToString("R", invariant)
                : null;
        }
    }
}
