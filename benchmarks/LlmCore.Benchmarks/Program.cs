using BenchmarkDotNet.Running;
using LlmCore.Benchmarks.Commercialization;

// Run every suite:   dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- --filter '*'
// Smoke (CI):        dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- --filter '*' --job Dry
// Serving simulator against published measurements (docs/commercialization.md):
//                    dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- serving-validation
if (args is ["serving-validation"])
{
    ServingValidation.Run(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
