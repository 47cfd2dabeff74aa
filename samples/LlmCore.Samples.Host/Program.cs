using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Optimization.DependencyInjection;
using LlmCore.Privacy.DependencyInjection;
using LlmCore.Privacy.Sampling;
using LlmCore.Scheduling.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// A generic host that registers all four LlmCore packages through DI, resolves what they offer and logs it.
var builder = Host.CreateApplicationBuilder(args);
builder.Services
    .AddLlmCorePrivacy()
    .AddLlmCoreOptimization()
    .AddLlmCoreScheduling(options => options.Policy = "fifo")
    .AddLlmCoreCommercialization();

using var host = builder.Build();
await host.StartAsync().ConfigureAwait(false);

var services = host.Services;
var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("LlmCore.Samples.Host");
var source = services.GetRequiredService<IRandomSource>();
logger.LogInformation("Privacy: random source {Source} (secure: {Secure})", source.GetType().Name, source.IsCryptographicallySecure);
logger.LogInformation("Optimization: parallel threshold {Threshold}", services.GetRequiredService<IOptions<OptimizationOptions>>().Value.ParallelThreshold);
logger.LogInformation("Scheduling: policy {Policy}", services.GetRequiredService<IOptions<SchedulingOptions>>().Value.Policy);
logger.LogInformation("Commercialization: default price per GPU-hour {Price} USD", services.GetRequiredService<IOptions<CommercializationOptions>>().Value.DefaultPricePerGpuHourUsd);

await host.StopAsync().ConfigureAwait(false);
