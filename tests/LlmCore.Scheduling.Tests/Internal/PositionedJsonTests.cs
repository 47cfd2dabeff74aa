using System.Text.Json;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// <see cref="PositionedJson"/> directly (issue 21, Scheduling Internal survivors): the 1-based line and column of every
/// value, counted by hand in the texts below; the messages of Expect/ExpectString/ExpectNumber/CheckKeys; and the place
/// and text of a syntax error.
/// </summary>
public class PositionedJsonTests
{
    private const string Source = "f.json";

    // Line 1 "{", line 2 a comment, line 3 `  "name": "x",` (the value's quote at column 11: two spaces, "name" in
    // columns 3–8, ':' 9, space 10), line 4 `  "list": [1, 2.5e3, true, false, null,],` ('[' at 11, then 1 at 12, 2.5e3 at
    // 15, true at 22, false at 28, null at 35; a trailing comma is allowed), line 5 `  "Nested": { "k": "v\n\u00e9" }`
    // ('{' at 13, the string at 20).
    private const string Text = "{\n  // a comment\n  \"name\": \"x\",\n  \"list\": [1, 2.5e3, true, false, null,],\n  \"Nested\": { \"k\": \"v\\n\\u00e9\" }\n}";

    [Fact]
    public void Parse_RemembersLineAndColumnOfEveryValue()
    {
        var root = PositionedJson.Parse(Text, Source);

        Assert.Equal((JsonValueKind.Object, 1, 1), (root.Kind, root.Line, root.Column));
        Assert.Equal(["name", "list", "Nested"], root.Properties.Select(p => p.Key));
        var name = root.Get("NAME")!; // keys are looked up case-insensitively
        Assert.Equal((JsonValueKind.String, 3, 11, "x"), (name.Kind, name.Line, name.Column, name.Text));

        var list = root.Get("list")!;
        Assert.Equal((JsonValueKind.Array, 4, 11), (list.Kind, list.Line, list.Column));
        Assert.Equal([12, 15, 22, 28, 35], list.Items.Select(i => i.Column));
        Assert.All(list.Items, i => Assert.Equal(4, i.Line));
        Assert.Equal([JsonValueKind.Number, JsonValueKind.Number, JsonValueKind.True, JsonValueKind.False, JsonValueKind.Null], list.Items.Select(i => i.Kind));
        Assert.Equal(1.0, list.Items[0].Number);
        Assert.Equal(2500.0, list.Items[1].Number); // 2.5 × 10³

        var nested = root.Get("nested")!;
        Assert.Equal((5, 13), (nested.Line, nested.Column));
        var k = nested.Get("k")!;
        Assert.Equal((5, 20, "v\né"), (k.Line, k.Column, k.Text)); // the escapes \n and \u00e9 decoded
        Assert.Null(root.Get("missing"));
    }

    [Theory]
    [InlineData("{}", "an object")]
    [InlineData("[]", "an array")]
    [InlineData("\"s\"", "a string")]
    [InlineData("-1.5", "a number")]
    [InlineData("true", "a boolean")]
    [InlineData("false", "a boolean")]
    [InlineData("null", "null")]
    public void KindName_NamesEachKind(string json, string expected)
    {
        Assert.Equal(expected, PositionedJson.Parse(json, Source).KindName);
    }

    // Expect names what was wanted and what was found, at the value's place (line 2, column 8: `  "a": ` is 7 bytes).
    [Theory]
    [InlineData("[1]", JsonValueKind.Number, "\"a\" must be a number, found an array")]
    [InlineData("false", JsonValueKind.Number, "\"a\" must be a number, found a boolean")]
    [InlineData("\"s\"", JsonValueKind.Object, "\"a\" must be an object, found a string")]
    [InlineData("null", JsonValueKind.Array, "\"a\" must be an array, found null")]
    [InlineData("{}", JsonValueKind.True, "\"a\" must be a boolean, found an object")]
    [InlineData("3", JsonValueKind.String, "\"a\" must be a string, found a number")]
    public void Expect_WrongKind_NamesBothKindsAndThePlace(string value, JsonValueKind wanted, string problem)
    {
        var a = PositionedJson.Parse("{\n  \"a\": " + value + "\n}", Source).Get("a")!;

        var ex = Assert.Throws<SchedulingFileException>(() => a.Expect(wanted, Source, "\"a\""));

        Assert.Equal((Source, 2, 8, problem), (ex.FileName, ex.Line, ex.Column, ex.Problem));
    }

    // A boolean is asked for as JsonValueKind.True and may be either literal.
    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public void Expect_Boolean_AcceptsBothLiterals(string json)
    {
        var value = PositionedJson.Parse(json, Source);

        Assert.Same(value, value.Expect(JsonValueKind.True, Source, "flag"));
    }

    [Fact]
    public void ExpectString_TrimsAndRefusesEmptyAndNonStrings()
    {
        Assert.Equal("H100", PositionedJson.Parse("\"  H100 \"", Source).ExpectString(Source, "type"));

        var empty = Assert.Throws<SchedulingFileException>(() => PositionedJson.Parse("\"   \"", Source).ExpectString(Source, "type"));
        Assert.Equal("type must not be empty", empty.Problem);

        var number = Assert.Throws<SchedulingFileException>(() => PositionedJson.Parse("7", Source).ExpectString(Source, "type"));
        Assert.Equal("type must be a string, found a number", number.Problem);
    }

    // Closed range [min, max]: both ends accepted; outside, a message with the range (integers: "an integer"; an
    // unbounded maximum: "≥ min"); a string is refused as a string, not read as the number 0.
    [Fact]
    public void ExpectNumber_RangeAndKind()
    {
        Assert.Equal(1.0, PositionedJson.Parse("1", Source).ExpectNumber(Source, "gpus", 1, 8, integer: true));
        Assert.Equal(8.0, PositionedJson.Parse("8", Source).ExpectNumber(Source, "gpus", 1, 8, integer: true));
        Assert.Equal(0.5, PositionedJson.Parse("0.5", Source).ExpectNumber(Source, "speed", 0, double.PositiveInfinity));

        Assert.Equal("gpus must be an integer in [1, 8], found 9", Problem("9", "gpus", 1, 8, integer: true));
        Assert.Equal("gpus must be an integer in [1, 8], found 2.5", Problem("2.5", "gpus", 1, 8, integer: true));
        Assert.Equal("gpus must be an integer in [1, 8], found 0", Problem("0", "gpus", 1, 8, integer: true));
        Assert.Equal("share must be a number in [0, 1], found 1.5", Problem("1.5", "share", 0, 1, integer: false));
        Assert.Equal("speed must be a number ≥ 0, found -1", Problem("-1", "speed", 0, double.PositiveInfinity, integer: false));
        Assert.Equal("speed must be a number, found a string", Problem("\"0\"", "speed", 0, double.PositiveInfinity, integer: false));
    }

    private static string? Problem(string json, string what, double min, double max, bool integer) =>
        Assert.Throws<SchedulingFileException>(() => PositionedJson.Parse(json, Source).ExpectNumber(Source, what, min, max, integer)).Problem;

    [Fact]
    public void CheckKeys_NamesTheFirstUnknownKeyAtItsValue()
    {
        var root = PositionedJson.Parse("{ \"NAME\": 1,\n  \"colour\": 2, \"size\": 3 }", Source);

        var ex = Assert.Throws<SchedulingFileException>(() => root.CheckKeys(["name", "gpus"], Source, "a node"));

        // "colour"'s value 2 is on line 2 at column 13 (`  "colour": ` is 12 bytes); "NAME" matches "name".
        Assert.Equal((2, 13), (ex.Line, ex.Column));
        Assert.Equal("unknown key 'colour' in a node; expected one of name, gpus", ex.Problem);
        root.CheckKeys(["name", "colour", "size"], Source, "a node");
    }

    [Fact]
    public void Error_CarriesThePlaceOfTheValue()
    {
        var value = PositionedJson.Parse("\n\n   42", Source);

        var ex = value.Error(Source, "too big");

        Assert.Equal("f.json:3:4: too big", ex.Message);
    }

    // A syntax error on line 3: `  "b": x` — 'x' is at 0-based byte 7 of that line (the reader's BytePositionInLine,
    // System.Text.Json docs: "the number of bytes read within the current line before the exception", 0-based), so
    // line 3, column 8. The problem text is the reader's message without its own "LineNumber: … BytePositionInLine: …"
    // suffix (the place is already in the exception) and without a trailing period.
    [Fact]
    public void Parse_SyntaxError_NamesLineColumnAndTheReadersMessage()
    {
        var ex = Assert.Throws<SchedulingFileException>(() => PositionedJson.Parse("{\n  \"a\": 1,\n  \"b\": x\n}", Source));

        Assert.Equal((3, 8), (ex.Line, ex.Column));
        Assert.StartsWith("not valid JSON: ", ex.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", ex.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", ex.Problem, StringComparison.Ordinal);
        Assert.False(ex.Problem!.EndsWith('.'), ex.Problem);
        Assert.IsType<JsonException>(ex.InnerException, exactMatch: false);
    }

    // "\ud800" is a lone high surrogate: the text is valid JSON but not valid UTF-16; reported at the string's quote (column 8: `{ "a": ` is 7 bytes).
    [Fact]
    public void Parse_LoneSurrogate_IsReportedAtTheString()
    {
        var ex = Assert.Throws<SchedulingFileException>(() => PositionedJson.Parse("{ \"a\": \"\\ud800\" }", Source));

        Assert.Equal((1, 8), (ex.Line, ex.Column));
        Assert.Equal("a string is not valid UTF-16 (a lone surrogate escape such as \\ud800)", ex.Problem);
    }

    // No value at all, and a second value after the first, are refused at the first place with nothing valid.
    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("  // only a comment", 1, 20)]
    [InlineData("{} {}", 1, 4)]
    public void Parse_NoValueOrTwoValues_IsRefused(string json, int line, int column)
    {
        var ex = Assert.Throws<SchedulingFileException>(() => PositionedJson.Parse(json, Source));

        Assert.Equal((line, column), (ex.Line, ex.Column));
    }
}
