using System.Text.Json;

namespace LlmCore.Cli.Tests;

// The runtime settings the CLI ships in llmcore.runtimeconfig.json (src/LlmCore.Cli/LlmCore.Cli.csproj), which its
// measured speed depends on (docs/benchmarks.md): Server GC, and tier-1 code without the runtime's call-counting delay.
// The build copies the file beside the tests; a lost setting fails here instead of slowing every run unnoticed.
public class RuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "llmcore.runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is not beside the tests");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void Cli_UsesServerGc()
    {
        Assert.True(ConfigProperties().GetProperty("System.GC.Server").GetBoolean());
    }

    [Fact]
    public void Cli_PromotesHotMethodsWithoutTheCallCountingDelay()
    {
        Assert.Equal(0, ConfigProperties().GetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs").GetInt32());
    }
}
