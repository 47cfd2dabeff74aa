using LlmCore.Cli;

// The first Ctrl-C asks the running command to stop (it exits with code 130 after its current step); a second one
// ends the process at once.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};

return CliApp.Run(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected, cancellationToken: cancellation.Token);
