namespace LlmCore.Optimization.Tests;

public class ParameterTests
{
    [Fact]
    public void Constructor_ShapeMismatch_ThrowsNamingShape()
    {
        Assert.Throws<ArgumentException>("shape", () => new Parameter<float>("w", new float[6], 2, 4));
    }

    [Fact]
    public void Zeros_HasShapeAndZeroGradient()
    {
        var p = Parameter<double>.Zeros("w", 2, 3);

        Assert.Equal(6, p.Length);
        Assert.Equal([2, 3], p.Shape.ToArray());
        Assert.All(p.Gradient.ToArray(), static g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void ParameterGroup_DuplicateNames_Throws()
    {
        var a = new Parameter<float>("w", [1f]);
        var b = new Parameter<float>("w", [2f]);

        Assert.Throws<ArgumentException>("parameters", () => new ParameterGroup<float>([a, b]));
    }
}
