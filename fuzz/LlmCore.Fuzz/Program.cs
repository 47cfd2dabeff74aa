using LlmCore.Fuzz;
using SharpFuzz;

// Usage:
//   LlmCore.Fuzz list                           the targets, one per line, with what each accepts
//   LlmCore.Fuzz TARGET                         run under afl-fuzz (scripts/quality/fuzz.sh does this)
//   LlmCore.Fuzz TARGET --replay PATH...        run each file (or every file of each folder) once, in process,
//                                               and report the ones that fail (for triage and seed checks)
// Exit codes: 0 success, 1 an input failed on replay, 2 bad usage.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: LlmCore.Fuzz list | TARGET [--replay PATH...]");
    return args.Length == 0 ? 2 : 0;
}

if (args[0] == "list")
{
    foreach (var target in FuzzTargets.All)
    {
        Console.WriteLine($"{target.Name,-22} {target.Description}");
    }

    return 0;
}

if (!FuzzTargets.TryGet(args[0], out var selected))
{
    Console.Error.WriteLine($"error: unknown target '{args[0]}'; the targets are {string.Join(", ", FuzzTargets.All.Select(static t => t.Name))}.");
    return 2;
}

if (args.Length > 1)
{
    if (args[1] != "--replay" || args.Length < 3)
    {
        Console.Error.WriteLine("usage: LlmCore.Fuzz TARGET --replay PATH...");
        return 2;
    }

    return Replay.Run(selected, args[2..]);
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    selected.Run(buffer.ToArray());
});
return 0;
