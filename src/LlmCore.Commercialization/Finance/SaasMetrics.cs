namespace LlmCore.Commercialization.Finance;

/// <summary>
/// Subscription unit economics: customer lifetime value, CAC payback, contribution margin and break-even volume.
/// </summary>
/// <remarks>
/// <para>Definitions after Skok, "SaaS Metrics 2.0" (forEntrepreneurs.com): LTV = ARPA·GM/churn (per period),
/// discounted LTV = ARPA·GM·(1 + d)/(d + churn) with payment at the start of each period, CAC payback = CAC/(ARPA·GM);
/// break-even volume = fixed costs / (price − variable cost) (Horngren, <i>Cost Accounting</i>, cost–volume–profit
/// analysis).</para>
/// <para>This type is stateless and thread-safe.</para>
/// </remarks>
public static class SaasMetrics
{
    /// <summary>Lifetime value LTV = ARPA·GM/churn.</summary>
    /// <param name="revenuePerAccount">Average revenue per account per period (ARPA), ≥ 0.</param>
    /// <param name="grossMargin">Gross margin as a fraction, in [−1, 1].</param>
    /// <param name="churn">The fraction of accounts lost per period, in (0, 1].</param>
    /// <returns>The lifetime gross profit of an account.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double LifetimeValue(double revenuePerAccount, double grossMargin, double churn)
    {
        Check(revenuePerAccount, grossMargin, churn);
        return revenuePerAccount * grossMargin / churn;
    }

    /// <summary>Discounted lifetime value ARPA·GM·(1 + d)/(d + churn), payment at the start of each period.</summary>
    /// <param name="revenuePerAccount">ARPA per period, ≥ 0.</param>
    /// <param name="grossMargin">Gross margin as a fraction, in [−1, 1].</param>
    /// <param name="churn">Churn per period, in (0, 1].</param>
    /// <param name="discountRate">Discount rate per period, ≥ 0.</param>
    /// <returns>The discounted lifetime gross profit.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double DiscountedLifetimeValue(double revenuePerAccount, double grossMargin, double churn, double discountRate)
    {
        Check(revenuePerAccount, grossMargin, churn);
        if (!double.IsFinite(discountRate) || discountRate < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(discountRate), discountRate, "The discount rate must be finite and >= 0.");
        }

        return revenuePerAccount * grossMargin * (1 + discountRate) / (discountRate + churn);
    }

    /// <summary>CAC payback in periods: CAC/(ARPA·GM).</summary>
    /// <param name="customerAcquisitionCost">Cost to acquire one account, ≥ 0.</param>
    /// <param name="revenuePerAccount">ARPA per period, &gt; 0.</param>
    /// <param name="grossMargin">Gross margin as a fraction, in (0, 1].</param>
    /// <returns>Periods of gross profit needed to recover the CAC.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double CacPaybackPeriods(double customerAcquisitionCost, double revenuePerAccount, double grossMargin)
    {
        if (!double.IsFinite(customerAcquisitionCost) || customerAcquisitionCost < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(customerAcquisitionCost), customerAcquisitionCost, "CAC must be finite and >= 0.");
        }

        if (!double.IsFinite(revenuePerAccount) || revenuePerAccount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(revenuePerAccount), revenuePerAccount, "ARPA must be finite and > 0.");
        }

        if (!double.IsFinite(grossMargin) || grossMargin <= 0 || grossMargin > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(grossMargin), grossMargin, "The gross margin must be in (0, 1].");
        }

        return customerAcquisitionCost / (revenuePerAccount * grossMargin);
    }

    /// <summary>Break-even volume = fixed costs / (price − variable cost per unit).</summary>
    /// <param name="fixedCosts">Fixed costs of the period, ≥ 0.</param>
    /// <param name="pricePerUnit">Price per unit, ≥ 0.</param>
    /// <param name="variableCostPerUnit">Variable cost per unit, ≥ 0.</param>
    /// <returns>Units per period to break even, or <see cref="double.PositiveInfinity"/> when each unit loses money.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is negative or not finite.</exception>
    public static double BreakEvenVolume(double fixedCosts, double pricePerUnit, double variableCostPerUnit)
    {
        NonNegative(fixedCosts, nameof(fixedCosts));
        NonNegative(pricePerUnit, nameof(pricePerUnit));
        NonNegative(variableCostPerUnit, nameof(variableCostPerUnit));
        var margin = pricePerUnit - variableCostPerUnit;
        return margin <= 0 ? double.PositiveInfinity : fixedCosts / margin;
    }

    private static void NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be finite and >= 0.");
        }
    }

    private static void Check(double revenuePerAccount, double grossMargin, double churn)
    {
        NonNegative(revenuePerAccount, nameof(revenuePerAccount));
        if (!double.IsFinite(grossMargin) || grossMargin < -1 || grossMargin > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(grossMargin), grossMargin, "The gross margin must be in [-1, 1].");
        }

        if (!double.IsFinite(churn) || churn <= 0 || churn > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(churn), churn, "Churn must be in (0, 1].");
        }
    }
}
