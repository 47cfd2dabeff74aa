using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmCore.Cli.Infrastructure;

/// <summary>
/// Turns what the parser and the runtime say into one line in the user's words: the option named, the value given and
/// the values it accepts, and never a .NET type name (<c>System.Nullable`1[System.UInt64]</c> becomes "an integer in
/// [0, 18446744073709551615]").
/// </summary>
internal static partial class CliMessages
{
    /// <summary>One line for a parse error: a value that does not convert names the option and what it accepts.</summary>
    public static string Describe(ParseError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = CliContext.OneLine(error.Message);
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };

        // System.CommandLine reports a value it cannot convert as "Cannot parse argument 'X' for option 'Y' as expected
        // type 'System.Z'": the type name in the message is what identifies the case, whatever the UI language.
        if (option is not null && message.Contains(option.ValueType.ToString(), StringComparison.Ordinal))
        {
            var given = string.Join(' ', error.SymbolResult!.Tokens.Select(static t => t.Value));
            var help = string.IsNullOrWhiteSpace(option.Description) ? string.Empty : $" ({option.Name}: {option.Description.Trim().TrimEnd('.')}.)";
            return given.Length == 0
                ? $"{option.Name} needs a value: {Expectation(option.ValueType)}.{help}"
                : $"{option.Name}: '{given}' is not {Expectation(option.ValueType)}.{help}";
        }

        // Other errors about an option's value (a value outside the accepted list, say) name the option first.
        message = WithoutTypeNames(message);
        return option is not null && !message.Contains(option.Name, StringComparison.Ordinal) ? $"{option.Name}: {message}" : message;
    }

    /// <summary>What a value of <paramref name="type"/> must look like, in words (with its range for integers).</summary>
    public static string Expectation(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type).Select(static n => n.ToLowerInvariant()))}";
        }

        if (type.IsArray && type.GetElementType() is { } element)
        {
            return $"a list of values, each {Expectation(element)}";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Double or TypeCode.Single or TypeCode.Decimal => "a number (such as 0.5 or 1e-5)",
            TypeCode.Int32 => Range(int.MinValue, int.MaxValue),
            TypeCode.Int64 => Range(long.MinValue, long.MaxValue),
            TypeCode.Int16 => Range(short.MinValue, short.MaxValue),
            TypeCode.UInt64 => Range(ulong.MinValue, ulong.MaxValue),
            TypeCode.UInt32 => Range(uint.MinValue, uint.MaxValue),
            TypeCode.UInt16 => Range(ushort.MinValue, ushort.MaxValue),
            TypeCode.Byte => Range(byte.MinValue, byte.MaxValue),
            TypeCode.SByte => Range(sbyte.MinValue, sbyte.MaxValue),
            TypeCode.Boolean => "true or false",
            TypeCode.String => "text",
            _ when type == typeof(FileInfo) => "a file path",
            _ when type == typeof(DirectoryInfo) => "a directory path",
            _ when type == typeof(TimeSpan) => "a duration such as 00:30:00",
            _ when type == typeof(Uri) => "a URL",
            _ => "a valid value",
        };

        static string Range<T>(T min, T max)
            where T : IFormattable =>
            $"an integer in [{min.ToString(null, CultureInfo.InvariantCulture)}, {max.ToString(null, CultureInfo.InvariantCulture)}]";
    }

    /// <summary>
    /// The last line of defence: replaces any .NET type name left in a message (<c>System.Double</c>,
    /// <c>System.Nullable`1[System.Int32]</c>, <c>System.OutOfMemoryException</c>) by words.
    /// </summary>
    public static string WithoutTypeNames(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return TypeName().Replace(message, static m =>
        {
            var name = m.Groups["inner"].Success ? m.Groups["inner"].Value : m.Value;
            var type = Type.GetType(name, throwOnError: false);
            if (type is not null && !typeof(Exception).IsAssignableFrom(type))
            {
                return Expectation(type);
            }

            // An exception type (or one unknown here): its last segment in words, "OutOfMemoryException" → "out of memory".
            var last = name[(name.LastIndexOf('.') + 1)..];
            if (last.EndsWith("Exception", StringComparison.Ordinal))
            {
                last = last[..^"Exception".Length];
            }

            return Words().Replace(last, static w => (w.Index == 0 ? string.Empty : " ") + w.Value.ToLowerInvariant()).Trim() is { Length: > 0 } words
                ? words
                : "error";
        });
    }

    /// <summary>
    /// The one line (with its exit code) for an exception that escaped a command: bad input is 2, divergence 3, any other
    /// failure 1; wrappers (<see cref="AggregateException"/> with one cause, <see cref="System.Reflection.TargetInvocationException"/>) are
    /// looked through.
    /// </summary>
    public static (int ExitCode, string Message) ForException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        while (exception is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException { InnerException: not null })
        {
            exception = exception.InnerException!;
        }

        return exception switch
        {
            CliDivergedException => (CliApp.Diverged, Clean(exception.Message)),
            CliUsageException or ArgumentException or FileNotFoundException or DirectoryNotFoundException => (CliApp.BadInput, Clean(exception.Message)),
            OperationCanceledException => (CliApp.Cancelled, "cancelled (Ctrl-C); the run stopped before it finished and printed no result."),
            OutOfMemoryException or InsufficientExecutionStackException =>
                (CliApp.Failure, "the request needs more memory than this machine has; give smaller sizes (counts, steps, dimensions)."),
            OverflowException => (CliApp.Failure, $"a number overflowed while computing the result ({Clean(exception.Message)}); the inputs are too large for this command."),
            _ => (CliApp.Failure, Clean(exception.Message)),
        };

        static string Clean(string message) => WithoutTypeNames(CliContext.OneLine(message));
    }

    [GeneratedRegex(@"System\.Nullable`1\[(?<inner>System(\.[A-Za-z_][A-Za-z0-9_]*)+)\]|System(\.[A-Z][A-Za-z0-9_`]*)+(\[[^\]]*\])?", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();

    [GeneratedRegex("[A-Z][a-z0-9]*", RegexOptions.CultureInvariant)]
    private static partial Regex Words();
}
