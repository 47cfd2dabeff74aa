using System.CommandLine;

namespace LlmCore.Cli.Infrastructure;

/// <summary>Options that several commands share, built in one place so that they check their values alike.</summary>
internal static class CliOptions
{
    /// <summary>
    /// The <c>--plot FILE.png</c> option. Plots are always PNG images, so a name whose extension is not <c>.png</c> is
    /// refused while parsing (exit 2, one line, nothing written): writing PNG bytes under a <c>.jpg</c> name would leave
    /// a file that viewers misread.
    /// </summary>
    /// <param name="description">What the plot shows.</param>
    public static Option<string?> Plot(string description)
    {
        var option = new Option<string?>("--plot") { Description = $"{description} (a .png file)", HelpName = "FILE.png" };
        option.Validators.Add(static result =>
        {
            var path = result.GetValueOrDefault<string?>();
            if (path is not null && CheckPng(path) is { } problem)
            {
                result.AddError($"--plot {problem}");
            }
        });
        return option;
    }

    /// <summary>Why <paramref name="path"/> cannot be a PNG plot's file name, or <see langword="null"/> when it can.</summary>
    public static string? CheckPng(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
        {
            return "needs a file name ending in .png.";
        }

        if (!string.Equals(Path.GetExtension(path), ".png", StringComparison.OrdinalIgnoreCase))
        {
            var extension = Path.GetExtension(path);
            return extension.Length == 0
                ? $"must name a .png file (plots are PNG images); got '{path}', which has no extension."
                : $"must name a .png file (plots are PNG images); got '{path}', whose extension is {extension}.";
        }

        if (Directory.Exists(path))
        {
            return $"must name a file; '{path}' is a directory.";
        }

        return null;
    }

    /// <summary>Creates the directory that will hold <paramref name="path"/> if it is missing.</summary>
    public static void EnsureDirectoryFor(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
