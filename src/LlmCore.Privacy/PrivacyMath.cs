namespace LlmCore.Privacy;

/// <summary>Accurate ln(1 + x) and eˣ − 1 for small x (Kahan's tricks; <c>double.LogP1</c> is ln(x + 1) evaluated naively).</summary>
internal static class PrivacyMath
{
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        return Math.Log(u) * x / (u - 1.0);
    }

    public static double Expm1(double x)
    {
        if (Math.Abs(x) > 0.5)
        {
            return Math.Exp(x) - 1.0;
        }

        var u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        var um1 = u - 1.0;
        return um1 * x / Math.Log(u);
    }
}
