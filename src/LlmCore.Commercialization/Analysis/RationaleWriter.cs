using System.Globalization;
using System.Text;
using LlmCore.Commercialization.BusinessModels;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Ranking;

namespace LlmCore.Commercialization.Analysis;

/// <summary>
/// The prose of the business analysis: the rationale of each recommendation, the comparison of TOPSIS and AHP, the
/// privacy advice, why differential privacy is or is not recommended, and how each regulation moved the criteria.
/// Shared by <see cref="CommercializationAnalyzer"/> and <see cref="Reports.MarkdownReport"/>. Stateless and thread-safe.
/// </summary>
internal static class RationaleWriter
{
    private const RegulatoryDrivers PrivacyDrivers = RegulatoryDrivers.PersonalData | RegulatoryDrivers.SensitiveData | RegulatoryDrivers.CrossBorderTransfer | RegulatoryDrivers.IntellectualProperty;
    private const RegulatoryDrivers HostingDrivers = RegulatoryDrivers.SensitiveData | RegulatoryDrivers.CrossBorderTransfer | RegulatoryDrivers.IntellectualProperty;
    private const RegulatoryDrivers ComplianceCostDrivers = RegulatoryDrivers.SecurityControls | RegulatoryDrivers.HighRiskAi | RegulatoryDrivers.SectorSupervision | RegulatoryDrivers.AlgorithmFiling;
    private const RegulatoryDrivers DpDrivers = RegulatoryDrivers.PersonalData | RegulatoryDrivers.SensitiveData;

    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>The data exposure from which a business model processes enough customer data to need differential privacy.</summary>
    public const double DifferentialPrivacyExposure = 0.5;

    public static bool RecommendsDifferentialPrivacy(Industry industry, BusinessModel model) =>
        industry.DataSensitivity != DataSensitivity.Low && model.DataExposure >= DifferentialPrivacyExposure;

    /// <summary>Why differential privacy is or is not recommended for <paramref name="model"/>, in words.</summary>
    public static string DifferentialPrivacyRationale(Industry industry, BusinessModel model)
    {
        var regimes = industry.Regulations.Where(static r => (r.Drivers & DpDrivers) != 0).Select(static r => r.Name).ToArray();
        var because = regimes.Length > 0 ? ", which " + string.Join("; ", regimes) + " protect" : string.Empty;
        if (industry.DataSensitivity == DataSensitivity.Low)
        {
            return $"Not needed: {industry.DisplayName} data are mostly public, so training on them leaks little; differential privacy stays optional.";
        }

        var kind = industry.DataSensitivity == DataSensitivity.High ? "highly sensitive" : "confidential";
        if (model.DataExposure < DifferentialPrivacyExposure)
        {
            return string.Create(s_inv, $"Not needed from the vendor: with {model.Name} the customer keeps its {kind} data (data exposure {model.DataExposure:0.##} < {DifferentialPrivacyExposure:0.#}); a customer that fine-tunes on them can still use DP-SGD itself.");
        }

        return string.Create(s_inv, $"Recommended: with {model.Name} the vendor processes the customer's {kind} data (data exposure {model.DataExposure:0.##} ≥ {DifferentialPrivacyExposure:0.#}){because}; fine-tune on them only with DP-SGD under a fixed privacy budget and release usage analytics as DP aggregates (LlmCore.Privacy), so no single record can be recovered from the model or the reports.");
    }

    public static string PrivacyAdvice(Industry industry) => industry.DataSensitivity switch
    {
        DataSensitivity.High =>
            $"{industry.DisplayName} data are highly sensitive: fine-tune on customer data only with differential privacy (DP-SGD in LlmCore.Privacy, with an RDP or PLD accountant and a fixed privacy budget), release usage analytics as DP aggregates, and prefer deployments that keep data in the customer's boundary.",
        DataSensitivity.Medium =>
            $"{industry.DisplayName} data are confidential: where hosted models learn from customer data, use differential privacy (LlmCore.Privacy DP-SGD or DP aggregates) and contractual limits on training.",
        _ => $"{industry.DisplayName} data are mostly public: differential privacy is optional.",
    };

    public static string Explain(
        BusinessCase c,
        Industry industry,
        int rank,
        int count,
        double closeness,
        int ahpRank,
        IReadOnlyList<IReadOnlyList<double>> matrix,
        int row,
        IReadOnlyList<double> weights,
        int horizonYears,
        bool differentialPrivacy,
        ServingCostBasis serving)
    {
        var u = c.Unit;
        var p = c.Projection;
        var sb = new StringBuilder();
        sb.Append(s_inv, $"Ranked {rank} of {count} by TOPSIS (closeness {closeness:F3}); AHP ranks it {ahpRank}. ");
        if (u.RequestsPerUnit > 0)
        {
            var source = serving.Source == ServingCostSource.DeploymentSearch
                ? "from the deployment search (the cheapest deployment meeting the industry's latency expectation)"
                : "from the cost model";
            sb.Append(s_inv, $"Contribution margin {Pct(u.ContributionMargin)} at {Money(u.PricePerUnitUsd)} per {u.PricingUnit} against {Money(u.VariableCostPerUnitUsd)} variable cost ({u.RequestsPerUnit:G4} model requests per {u.PricingUnit} at {Money(u.CostPerRequestUsd)} each {source})");
        }
        else
        {
            sb.Append(s_inv, $"Contribution margin {Pct(u.ContributionMargin)} at {Money(u.PricePerUnitUsd)} per {u.PricingUnit} (the customer runs the GPUs)");
        }

        sb.Append(double.IsPositiveInfinity(u.BreakEvenUnitsPerYear)
            ? "; every unit loses money, so there is no break-even volume. "
            : string.Create(s_inv, $"; break-even at {u.BreakEvenUnitsPerYear:N0} {u.PricingUnit}s a year. "));
        sb.Append(s_inv, $"{horizonYears}-year NPV {Money(p.NetPresentValueUsd)} (Monte Carlo P10 {Money(c.MonteCarlo.P10)}, P90 {Money(c.MonteCarlo.P90)}, P(loss) {Pct(c.MonteCarlo.ProbabilityBelowZero)})");
        sb.Append(p.InternalRateOfReturn is { } irr ? string.Create(s_inv, $", IRR {Pct(irr)}") : ", no IRR");
        sb.Append(p.PaybackYears is { } pb ? string.Create(s_inv, $", payback {pb:F1} years") : ", no payback within the horizon");
        sb.Append(s_inv, $", LTV/CAC {p.LtvToCac:F1}{(p.LtvToCac >= 3 ? string.Empty : " (below the 3× rule)")}. ");

        var (strong, weak) = StrengthsAndWeaknesses(matrix, row, weights);
        sb.Append(s_inv, $"Strongest on {strong}; weakest on {weak}. ");
        sb.Append(s_inv, $"Time to revenue {c.Criteria.TimeToRevenueMonths:F1} months, regulatory burden {c.Criteria.RegulatoryBurden:F1}/10, data-privacy fit {c.Criteria.DataPrivacyFit:F1}/10, capital {Money(c.Criteria.CapitalNeededUsd)}, defensibility {c.Criteria.Defensibility:F0}/10.");
        if (c.Tornado.Bars.Count > 0)
        {
            sb.Append(s_inv, $" The NPV is most sensitive to {c.Tornado.Bars[0].Input}.");
        }

        if (differentialPrivacy)
        {
            sb.Append(industry.DataSensitivity == DataSensitivity.High
                ? " The vendor processes highly sensitive data: train and analyse with differential privacy (LlmCore.Privacy)."
                : " The vendor processes confidential data: consider differential privacy (LlmCore.Privacy) for training on it.");
        }

        if (serving.Source == ServingCostSource.DeploymentSearch && u.RequestsPerUnit > 0)
        {
            sb.Append(' ').Append(serving.Explanation);
        }

        return sb.ToString();
    }

    /// <summary>How each regulation of the industry moved the criteria of this analysis, with its numbers.</summary>
    public static IReadOnlyList<RegulationImpact> RegulationImpacts(Industry industry, IReadOnlyList<BusinessCase> cases)
    {
        var impacts = new List<RegulationImpact>(industry.Regulations.Count);
        var dpModels = cases.Where(c => RecommendsDifferentialPrivacy(industry, c.Model)).Select(static c => c.Model.Name).ToArray();
        foreach (var regulation in industry.Regulations)
        {
            var d = regulation.Drivers;
            var criteria = new List<string> { CriterionTable.Names[CriterionTable.RegulatoryBurden] };
            var effect = new StringBuilder();
            effect.Append(s_inv, $"Part of the regulatory intensity {industry.RegulatoryIntensity:0.#}/10: regulatory burden = 1 + {industry.RegulatoryIntensity - 1:0.#}·(0.3 + 0.7·data exposure), {Range(cases, static c => c.Criteria.RegulatoryBurden, "F1")}.");
            if ((d & PrivacyDrivers) != 0)
            {
                criteria.Add(CriterionTable.Names[CriterionTable.DataPrivacyFit]);
                var penalty = CriterionTable.SensitivityPenalty(industry.DataSensitivity);
                effect.Append(s_inv, $" {Describe(d & PrivacyDrivers)}: with {industry.DataSensitivity.ToString().ToLowerInvariant()}-sensitivity data, data-privacy fit = 10 − {penalty:0}·data exposure, {Range(cases, static c => c.Criteria.DataPrivacyFit, "F1", descending: true)}");
                effect.Append((d & HostingDrivers) != 0 ? ", so models that keep data in the customer's boundary (on-premises, private cloud) gain." : ".");
            }

            if ((d & ComplianceCostDrivers) != 0)
            {
                criteria.Add(CriterionTable.Names[CriterionTable.CapitalNeeded]);
                effect.Append(s_inv, $" {Describe(d & ComplianceCostDrivers)}: part of the compliance cost {Money(industry.ComplianceCostUsdPerYear)} a year, which adds ½ year × data exposure to the capital needed ({Range(cases, static c => c.Criteria.CapitalNeededUsd, "money")}) and (0.3 + 0.7·data exposure) of it to each year's fixed costs.");
            }

            var dp = (d & DpDrivers) != 0 && dpModels.Length > 0;
            if (dp)
            {
                criteria.Add("differential privacy");
                effect.Append($" Makes differential privacy recommended for {string.Join(", ", dpModels)} (data exposure ≥ {DifferentialPrivacyExposure.ToString("0.#", s_inv)}).");
            }

            impacts.Add(new RegulationImpact(regulation.Name, regulation.Jurisdiction, regulation.Obligation, d, criteria, effect.ToString(), (d & HostingDrivers) != 0, dp));
        }

        return impacts;
    }

    public static string DescribeAgreement(IReadOnlyList<BusinessCase> cases, IReadOnlyList<int> topsis, IReadOnlyList<int> ahp)
    {
        var n = topsis.Count;
        var topsisPos = new int[n];
        var ahpPos = new int[n];
        for (var r = 0; r < n; r++)
        {
            topsisPos[topsis[r]] = r;
            ahpPos[ahp[r]] = r;
        }

        var concordant = 0;
        var discordant = 0;
        for (var a = 0; a < n; a++)
        {
            for (var b = a + 1; b < n; b++)
            {
                var x = Math.Sign(topsisPos[a] - topsisPos[b]) * Math.Sign(ahpPos[a] - ahpPos[b]);
                if (x > 0)
                {
                    concordant++;
                }
                else if (x < 0)
                {
                    discordant++;
                }
            }
        }

        var pairs = n * (n - 1) / 2;
        var tau = pairs == 0 ? 1.0 : (double)(concordant - discordant) / pairs;
        if (topsis.SequenceEqual(ahp))
        {
            return string.Create(s_inv, $"TOPSIS and AHP agree on the whole ranking (Kendall τ = {tau:F2}).");
        }

        if (topsis[0] != ahp[0])
        {
            return string.Create(s_inv, $"The methods disagree on the winner: TOPSIS prefers {cases[topsis[0]].Model.Name}, AHP prefers {cases[ahp[0]].Model.Name} (Kendall τ = {tau:F2}). TOPSIS rewards closeness to the best value on every criterion; AHP's additive synthesis lets a large lead on one heavily weighted criterion compensate for weaknesses. Treat the top two as close and check the sensitivity results.");
        }

        var moved = Enumerable.Range(0, n).Where(i => topsisPos[i] != ahpPos[i]).Select(i => cases[i].Model.Name);
        return string.Create(s_inv, $"TOPSIS and AHP agree on the winner ({cases[topsis[0]].Model.Name}) but order the rest differently (Kendall τ = {tau:F2}; positions differ for {string.Join(", ", moved)}).");
    }

    public static string Pct(double fraction) => (fraction * 100).ToString("F0", s_inv) + "%";

    public static string Money(double usd)
    {
        var a = Math.Abs(usd);
        var sign = usd < 0 ? "-" : string.Empty;
        return a switch
        {
            >= 1e9 => string.Create(s_inv, $"{sign}${a / 1e9:F2}B"),
            >= 1e6 => string.Create(s_inv, $"{sign}${a / 1e6:F2}M"),
            >= 1e4 => string.Create(s_inv, $"{sign}${a / 1e3:F1}k"),
            >= 1 => string.Create(s_inv, $"{sign}${a:F2}"),
            0 => "$0",
            _ => string.Create(s_inv, $"{sign}${a:G3}"),
        };
    }

    private static (string Strong, string Weak) StrengthsAndWeaknesses(IReadOnlyList<IReadOnlyList<double>> matrix, int row, IReadOnlyList<double> weights)
    {
        var names = CriterionTable.Names;
        var n = names.Count;
        var position = new double[n];
        for (var j = 0; j < n; j++)
        {
            var min = matrix.Min(r => r[j]);
            var max = matrix.Max(r => r[j]);
            var x = max > min ? (matrix[row][j] - min) / (max - min) : 0.5;
            position[j] = CriterionTable.Directions[j] == CriterionDirection.Benefit ? x : 1 - x;
        }

        var strong = Enumerable.Range(0, n).Where(j => position[j] >= 0.5).OrderByDescending(j => weights[j] * position[j]).ThenBy(j => j).Take(2).Select(j => names[j]).ToArray();
        var weak = Enumerable.Range(0, n).Where(j => position[j] < 0.5).OrderByDescending(j => weights[j] * (1 - position[j])).ThenBy(j => j).Take(2).Select(j => names[j]).ToArray();
        return (strong.Length == 0 ? "no criterion" : string.Join(" and ", strong), weak.Length == 0 ? "no criterion" : string.Join(" and ", weak));
    }

    private static string Range(IReadOnlyList<BusinessCase> cases, Func<BusinessCase, double> value, string format, bool descending = false)
    {
        var ordered = cases.OrderBy(value).ToArray();
        var (first, last) = descending ? (ordered[^1], ordered[0]) : (ordered[0], ordered[^1]);
        string F(double v) => format == "money" ? Money(v) : v.ToString(format, s_inv);
        return $"from {F(value(first))} ({first.Model.Name}) to {F(value(last))} ({last.Model.Name})";
    }

    private static string Describe(RegulatoryDrivers drivers)
    {
        var words = new List<string>();
        foreach (var (flag, word) in new[]
        {
            (RegulatoryDrivers.PersonalData, "personal data"),
            (RegulatoryDrivers.SensitiveData, "sensitive data"),
            (RegulatoryDrivers.CrossBorderTransfer, "limits on moving data out"),
            (RegulatoryDrivers.IntellectualProperty, "proprietary data and IP"),
            (RegulatoryDrivers.SecurityControls, "security controls"),
            (RegulatoryDrivers.HighRiskAi, "high-risk AI obligations"),
            (RegulatoryDrivers.SectorSupervision, "sector supervision"),
            (RegulatoryDrivers.AlgorithmFiling, "algorithm filing"),
        })
        {
            if ((drivers & flag) != 0)
            {
                words.Add(word);
            }
        }

        var text = string.Join(", ", words);
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }
}
