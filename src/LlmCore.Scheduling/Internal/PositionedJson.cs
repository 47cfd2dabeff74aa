using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmCore.Scheduling.Internal;

/// <summary>
/// A small JSON tree that remembers where each value starts (1-based line and column), so the readers of cluster and
/// throughput files can name the exact place of a bad value. Comments and trailing commas are allowed. Not thread-safe
/// while being built; immutable afterwards.
/// </summary>
internal sealed class PositionedJson
{
    private PositionedJson(JsonValueKind kind, int line, int column)
    {
        Kind = kind;
        Line = line;
        Column = column;
    }

    public JsonValueKind Kind { get; }

    public int Line { get; }

    public int Column { get; }

    public string? Text { get; private set; }

    public double Number { get; private set; }

    public List<(string Key, PositionedJson Value)> Properties { get; } = [];

    public List<PositionedJson> Items { get; } = [];

    public string KindName => Kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>Parses UTF-8 JSON text.</summary>
    /// <exception cref="SchedulingFileException">The text is not JSON.</exception>
    public static PositionedJson Parse(string text, string source)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var lineStarts = LineStarts(bytes);
        try
        {
            if (!reader.Read())
            {
                throw new SchedulingFileException(source, 1, 1, "the file is empty; expected a JSON object");
            }

            var root = ReadValue(ref reader, lineStarts);
            if (reader.Read())
            {
                var (line, column) = Position(lineStarts, reader.TokenStartIndex);
                throw new SchedulingFileException(source, line, column, "unexpected text after the JSON value");
            }

            return root;
        }
        catch (InvalidOperationException ex)
        {
            // GetString on a string whose escapes decode to invalid UTF-16 (a lone surrogate such as "\ud800").
            var (line, column) = Position(lineStarts, reader.TokenStartIndex);
            throw new SchedulingFileException(source, line, column, "a string is not valid UTF-16 (a lone surrogate escape such as \\ud800)", ex);
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            message = cut > 0 ? message[..cut].TrimEnd('.', ' ') : message;
            throw new SchedulingFileException(source, line, column, "not valid JSON: " + message, ex);
        }
    }

    /// <summary>The property named <paramref name="key"/> (case-insensitive), or <see langword="null"/>.</summary>
    public PositionedJson? Get(string key)
    {
        foreach (var (k, v) in Properties)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }

    public SchedulingFileException Error(string source, string message) => new(source, Line, Column, message);

    /// <summary>Throws naming the first key of this object that is not in <paramref name="allowed"/> (unknown keys are usually typos).</summary>
    public void CheckKeys(string[] allowed, string source, string what)
    {
        foreach (var (key, value) in Properties)
        {
            if (!allowed.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw value.Error(source, $"unknown key '{key}' in {what}; expected one of {string.Join(", ", allowed)}");
            }
        }
    }

    public PositionedJson Expect(JsonValueKind kind, string source, string what)
    {
        if (Kind != kind && !(kind == JsonValueKind.True && Kind == JsonValueKind.False))
        {
            throw Error(source, $"{what} must be {new PositionedJson(kind, 0, 0).KindName}, found {KindName}");
        }

        return this;
    }

    public string ExpectString(string source, string what)
    {
        Expect(JsonValueKind.String, source, what);
        if (string.IsNullOrWhiteSpace(Text))
        {
            throw Error(source, what + " must not be empty");
        }

        return Text!.Trim();
    }

    public double ExpectNumber(string source, string what, double min, double max, bool integer = false)
    {
        Expect(JsonValueKind.Number, source, what);
        if (!double.IsFinite(Number) || Number < min || Number > max || (integer && Math.Floor(Number) != Number))
        {
            var range = integer ? "an integer" : "a number";
            var bounds = double.IsPositiveInfinity(max)
                ? string.Create(CultureInfo.InvariantCulture, $"≥ {min}")
                : string.Create(CultureInfo.InvariantCulture, $"in [{min}, {max}]");
            throw Error(source, string.Create(CultureInfo.InvariantCulture, $"{what} must be {range} {bounds}, found {Number}"));
        }

        return Number;
    }

    private static PositionedJson ReadValue(ref Utf8JsonReader reader, List<long> lineStarts)
    {
        var (line, column) = Position(lineStarts, reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var node = new PositionedJson(JsonValueKind.Object, line, column);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    node.Properties.Add((key, ReadValue(ref reader, lineStarts)));
                }

                return node;
            }

            case JsonTokenType.StartArray:
            {
                var node = new PositionedJson(JsonValueKind.Array, line, column);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    node.Items.Add(ReadValue(ref reader, lineStarts));
                }

                return node;
            }

            case JsonTokenType.String:
                return new PositionedJson(JsonValueKind.String, line, column) { Text = reader.GetString() };
            case JsonTokenType.Number:
                return new PositionedJson(JsonValueKind.Number, line, column) { Number = reader.GetDouble() };
            case JsonTokenType.True:
                return new PositionedJson(JsonValueKind.True, line, column);
            case JsonTokenType.False:
                return new PositionedJson(JsonValueKind.False, line, column);
            default:
                return new PositionedJson(JsonValueKind.Null, line, column);
        }
    }

    private static List<long> LineStarts(byte[] bytes)
    {
        var starts = new List<long> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    private static (int Line, int Column) Position(List<long> lineStarts, long offset)
    {
        var index = lineStarts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, (int)(offset - lineStarts[line]) + 1);
    }
}
