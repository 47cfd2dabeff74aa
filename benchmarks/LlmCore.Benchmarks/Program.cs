using BenchmarkDotNet.Running;

// Run every suite:   dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- --filter '*'
// Smoke (CI):        dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- --filter '*' --job Dry
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
