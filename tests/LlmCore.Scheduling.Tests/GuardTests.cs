using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Tests;

/// <summary>
/// Scheduling's <see cref="Guard"/>: each check's boundary (the edge value passes, the next one fails), NaN and the
/// infinities refused, the parameter name kept, and the message shape shared with the other packages' guards
/// (src/LlmCore.Optimization/Internal/Guard.cs: "must be finite and &gt; 0." and so on).
/// </summary>
public sealed class GuardTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void PositiveFinite_RefusesNonPositiveOrNonFinite_NamingTheArgument(double weight)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Guard.PositiveFinite(weight));

        Assert.Equal("weight", ex.ParamName);
        Assert.StartsWith("must be finite and > 0.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checks_ReturnTheValueAtTheEdgeOfTheirRange()
    {
        Assert.Equal(double.Epsilon, Guard.PositiveFinite(double.Epsilon));
        Assert.Equal(0.0, Guard.NonNegativeFinite(0.0));
        Assert.Equal(1.0, Guard.Probability(1.0));
        Assert.Equal(0.0, Guard.Probability(0.0));
        Assert.Equal(0.0, Guard.HalfOpenFraction(0.0));
        Assert.Equal(1, Guard.Positive(1));
        Assert.Equal(0, Guard.NonNegative(0));
        Assert.Null(Guard.PositiveOrNull((int?)null));
        Assert.Null(Guard.NonNegativeOrNull((int?)null));
        Assert.Equal(TimeSpan.FromTicks(1), Guard.Positive(TimeSpan.FromTicks(1)));
        Assert.Equal(TimeSpan.Zero, Guard.NonNegative(TimeSpan.Zero));
        Assert.Null(Guard.PositiveOrNull((TimeSpan?)null));
        Assert.Equal(2.0, Guard.InRange(2.0, 1.0, 2.0));
    }

    [Fact]
    public void Checks_RefuseTheFirstValueOutsideTheirRange_WithTheRangeInTheMessage()
    {
        AssertRefused(() => Guard.NonNegativeFinite(-double.Epsilon, "x"), "must be finite and >= 0.");
        AssertRefused(() => Guard.NonNegativeFinite(double.NegativeInfinity, "x"), "must be finite and >= 0.");
        AssertRefused(() => Guard.Probability(Math.BitIncrement(1.0), "x"), "must be in [0, 1].");
        AssertRefused(() => Guard.Probability(double.NaN, "x"), "must be in [0, 1].");
        AssertRefused(() => Guard.HalfOpenFraction(1.0, "x"), "must be in [0, 1).");
        AssertRefused(() => Guard.Positive(0, "x"), "must be an integer >= 1.");
        AssertRefused(() => Guard.NonNegative(-1, "x"), "must be an integer >= 0.");
        AssertRefused(() => Guard.PositiveOrNull(0, "x"), "must be an integer >= 1.");
        AssertRefused(() => Guard.NonNegativeOrNull(-1, "x"), "must be an integer >= 0.");
        AssertRefused(() => Guard.Positive(TimeSpan.Zero, "x"), "must be a duration > 0.");
        AssertRefused(() => Guard.NonNegative(TimeSpan.FromTicks(-1), "x"), "must be a duration >= 0.");
        AssertRefused(() => Guard.PositiveOrNull(TimeSpan.Zero, "x"), "must be a duration > 0.");
        AssertRefused(() => Guard.NonNegativeOrNull(TimeSpan.FromTicks(-1), "x"), "must be a duration >= 0.");
        AssertRefused(() => Guard.InRange(Math.BitIncrement(2.0), 1.0, 2.0, "x"), "must be in [1, 2].");
        AssertRefused(() => Guard.InRange(double.NaN, 1.0, 2.0, "x"), "must be in [1, 2].");
    }

    [Fact]
    public void PublicSetters_KeepTheirPropertyNames()
    {
        // The names users and the CLI see did not change when the checks moved to Guard.
        Assert.Equal(nameof(TenantQuota.Weight), Assert.Throws<ArgumentOutOfRangeException>(() => new TenantQuota("t", 1) { Weight = 0 }).ParamName);
        Assert.Equal(nameof(JobSpec.Gpus), Assert.Throws<ArgumentOutOfRangeException>(() => new JobSpec("j", 0)).ParamName);
        Assert.Equal(nameof(JobSpec.CheckpointInterval), Assert.Throws<ArgumentOutOfRangeException>(() => new JobSpec("j", 1) { CheckpointInterval = TimeSpan.Zero }).ParamName);
        Assert.Equal(nameof(JobSpec.MinGpus), Assert.Throws<ArgumentOutOfRangeException>(() => new JobSpec("j", 1) { MinGpus = 0 }).ParamName);
        Assert.Equal("serialFraction", Assert.Throws<ArgumentOutOfRangeException>(() => ScalingCurve.Amdahl(1.0)).ParamName);
    }

    private static void AssertRefused(Func<object?> check, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => check());
        Assert.Equal("x", ex.ParamName);
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }
}
