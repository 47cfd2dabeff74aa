using LlmCore.Cli.Commands.Business;
using LlmCore.Commercialization.Sensitivity;

namespace LlmCore.Cli.Tests.Business;

/// <summary>Issue 22: every tick label inside the image (the tornado chart's last NPV label was clipped at the right).</summary>
public class PlotLayoutTests
{
    // NPVs in the millions (the analyzer's range for a year of serving revenue): their tick labels are the widest.
    [Theory]
    [InlineData(1_250_000.0, 900, 520)]
    [InlineData(98_765_432.0, 900, 520)]
    [InlineData(-40_000.0, 640, 400)]
    public void Tornado_LastTickLabel_EndsInsideTheImage(double baseNpv, int width, int height)
    {
        var swing = Math.Abs(baseNpv) * 0.6;
        var tornado = new TornadoResult(baseNpv,
        [
            new TornadoBar("price per request", 0.01, 0.03, baseNpv - swing, baseNpv + swing),
            new TornadoBar("tokens per request", 500, 3000, baseNpv + (swing / 2), baseNpv - (swing / 2)),
            new TornadoBar("churn", 0.01, 0.05, baseNpv + (swing / 4), baseNpv - (swing / 3)),
        ]);

        var plot = TornadoChart.Build(tornado, "NPV sensitivity", width, height);

        Assert.True(TornadoChart.LastTickOverflow(plot, width, height) <= 0, "the last NPV tick label reaches past the right edge");
    }
}
