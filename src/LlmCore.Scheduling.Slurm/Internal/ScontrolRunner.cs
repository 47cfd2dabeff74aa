using System.Diagnostics;

namespace LlmCore.Scheduling.Slurm.Internal;

/// <summary>
/// Runs <c>scontrol</c> for what REST API v0.0.38 lacks (requeue). <c>SLURM_JWT</c> is removed from its environment:
/// with it, Slurm's libraries switch to auth/jwt.
/// </summary>
internal static class ScontrolRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string scontrolPath, string? slurmConf, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(scontrolPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("SLURM_JWT");
        if (!string.IsNullOrEmpty(slurmConf))
        {
            info.Environment["SLURM_CONF"] = slurmConf;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new SlurmException($"Could not start '{scontrolPath}'.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SlurmException($"Could not start '{scontrolPath}' (needed to requeue: REST API v0.0.38 has no requeue call): {ex.Message}", ex);
        }

        using (process)
        {
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeoutSource.Token);
            try
            {
                await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new SlurmException($"'{scontrolPath} {string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds} s.", 0, 0, isTransient: true);
            }

            var output = (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false));
            return (process.ExitCode, output);
        }
    }
}
