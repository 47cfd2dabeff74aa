using LlmCore.Cli.Infrastructure;
using LlmCore.Privacy.Accounting;

namespace LlmCore.Cli.Commands.Privacy;

/// <summary>
/// The PNG of <c>privacy epsilon --plot</c>: ε against epochs for the RDP accountant and, when it supports the step
/// (Poisson sampling), the PLD accountant.
/// </summary>
internal static class EpsilonPlot
{
    public static void Write(string path, long n, long b, double epochs, PrivacyEvent step, double sigma, double delta, double[]? orders, long pldMaxGridPoints)
    {
        var maxEpoch = Math.Max(1, (int)Math.Floor(epochs));

        // RDP: one curve for a single step, scaled by T (composition is addition), for every epoch.
        var ordersUsed = orders ?? RdpAccountant.DefaultOrders.ToArray();
        var perStep = RdpAccountant.ComputeRdp(step, ordersUsed);
        var rdpX = new double[maxEpoch];
        var rdpY = new double[maxEpoch];
        var curve = new double[perStep.Length];
        for (var e = 1; e <= maxEpoch; e++)
        {
            var t = NoiseCalibration.StepsForEpochs(e, n, b);
            for (var i = 0; i < curve.Length; i++)
            {
                curve[i] = perStep[i] * t;
            }

            rdpX[e - 1] = e;
            rdpY[e - 1] = RdpAccountant.ConvertToEpsilon(ordersUsed, curve, delta).Epsilon;
        }

        // PLD: about a dozen epochs (each is one FFT composition).
        var pldEpochs = new SortedSet<int> { 1, maxEpoch };
        var stride = Math.Max(1, maxEpoch / 10);
        for (var e = stride; e < maxEpoch; e += stride)
        {
            pldEpochs.Add(e);
        }

        var pldX = new List<double>();
        var pldY = new List<double>();
        var pldSupported = new PldAccountant().Supports(step);
        foreach (var e in pldSupported ? pldEpochs : [])
        {
            var pld = AccountingOptionsParsing.CreatePld(pldMaxGridPoints);
            pld.Compose(step, NoiseCalibration.StepsForEpochs(e, n, b));
            pldX.Add(e);
            pldY.Add(pld.GetEpsilon(delta));
        }

        var plot = new ScottPlot.Plot();
        var rdpLine = plot.Add.Scatter(rdpX, rdpY);
        rdpLine.LegendText = "RDP (improved conversion, Opacus orders)";
        rdpLine.MarkerSize = 0;
        if (pldSupported)
        {
            var pldLine = plot.Add.Scatter(pldX.ToArray(), pldY.ToArray());
            pldLine.LegendText = "PLD (connect-the-dots, interval 1e-4)";
        }

        var batches = step is SampledWithoutReplacementEvent ? "fixed-size batches" : "Poisson sampling";
        plot.Title($"DP-SGD epsilon at delta = {delta:G3}: N = {n}, batch = {b}, sigma = {sigma:G3}, {batches}");
        plot.XLabel("epochs");
        plot.YLabel("epsilon");
        PlotLegend.Below(plot);
        LlmCore.Cli.Infrastructure.CliOptions.EnsureDirectoryFor(path);
        plot.SavePng(path, 900, 560);
    }
}
