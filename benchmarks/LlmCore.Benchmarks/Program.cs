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

// One SchedulerBenchmarks pass in a loop, for a profiler (dotnet-trace collect -- dotnet LlmCore.Benchmarks.dll ...):
//                    dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- sched-pass fifo|multifactor|drf PENDING Racks|FourLevels REPEATS
if (args is ["sched-pass", var passPolicy, var passPending, var passShape, var passRepeats])
{
    Environment.Exit(SchedulerBenchmarks.Loop(passPolicy, passPending, passShape, passRepeats, Console.Out));
}

if (args is ["serving-validation"])
{
    ServingValidation.Run(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
