using BenchmarkDotNet.Running;
using LlmCore.Benchmarks.Commercialization;
using LlmCore.Benchmarks.Scheduling;

// Run every suite:   dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- --filter '*'
// Smoke (CI):        dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- --filter '*' --job Dry
// Serving simulator against published measurements (docs/commercialization.md):
//                    dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- serving-validation
// Synthetic scale trace of issue 18 (scripts/bench/scale-trace.sh):
//                    dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- sched-scale-trace JOBS LOAD GPUS PATH
if (args is ["sched-scale-trace", .. var scaleArgs])
{
    Environment.Exit(ScaleTrace.Run(scaleArgs, Console.Out));
}

if (args is ["serving-validation"])
{
    ServingValidation.Run(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
