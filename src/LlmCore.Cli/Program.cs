using LlmCore.Cli;

// The first Ctrl-C asks the running command to stop: the long-running ones look at the token at every step and exit
// with code 130. A command still running 5 s later (one whose work has no step to stop at), or a second Ctrl-C, ends
// the process with code 130.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancellation.IsCancellationRequested)
    {
        return;
    }

    e.Cancel = true;
    cancellation.Cancel();
    _ = Task.Delay(TimeSpan.FromSeconds(5)).ContinueWith(
        static _ =>
        {
            Console.Error.WriteLine("error: cancelled (Ctrl-C); the run stopped before it finished and printed no result.");
            Environment.Exit(CliApp.Cancelled);
        },
        TaskScheduler.Default);
};

return CliApp.Run(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected, cancellationToken: cancellation.Token);
