using LlmCore.Optimization.Data;

namespace LlmCore.Optimization.Tests.Data;

public class DatasetTests
{
    [Fact]
    public void Constructor_Empty_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Dataset<double>([], 2, [], 1));
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MismatchedTargets_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Dataset<double>([1, 2, 3, 4], 2, [1, 2, 3], 1));
        Assert.Equal("targets", ex.ParamName);
    }

    [Fact]
    public void Constructor_NaNFeature_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Dataset<double>([1, double.NaN], 2, [1], 1));
        Assert.Contains("Row 0, column 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_Seeded_PartitionsAllExamples()
    {
        var data = BuiltInDatasets.Moons<double>(100, seed: 1);
        var (train, test) = data.Split(0.2, seed: 5);
        Assert.Equal(80, train.Count);
        Assert.Equal(20, test.Count);
        var again = data.Split(0.2, seed: 5);
        Assert.Equal(test.Features.ToArray(), again.Test.Features.ToArray());
        var all = train.Features.ToArray().Concat(test.Features.ToArray()).Order().ToArray();
        Assert.Equal(data.Features.ToArray().Order().ToArray(), all);
    }

    [Fact]
    public void Standardizer_Fit_GivesZeroMeanUnitVariance()
    {
        var data = BuiltInDatasets.Iris<double>();
        var z = Standardizer<double>.Fit(data).Transform(data);
        for (var j = 0; j < z.FeatureCount; j++)
        {
            var column = Enumerable.Range(0, z.Count).Select(i => z.Features[(i * z.FeatureCount) + j]).ToArray();
            var mean = column.Average();
            Assert.Equal(0, mean, 1e-12);
            Assert.Equal(1, Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average()), 1e-12);
        }
    }

    [Fact]
    public void Iris_Embedded_HasFishersShape()
    {
        // Fisher (1936): 150 flowers, 4 measurements, 50 of each of 3 species; sepal length mean 5.843 cm (UCI summary statistics).
        var iris = BuiltInDatasets.Iris<double>();
        Assert.Equal(150, iris.Count);
        Assert.Equal(4, iris.FeatureCount);
        Assert.Equal(["setosa", "versicolor", "virginica"], iris.ClassNames);
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(50, iris.Targets.ToArray().Count(t => t == c)));
        var sepalLength = Enumerable.Range(0, 150).Average(i => iris.Features[i * 4]);
        Assert.Equal(5.843, sepalLength, 1e-3);
    }

    [Fact]
    public void Moons_ScikitLearnLayout_NoiselessPointsOnTheHalfCircles()
    {
        var moons = BuiltInDatasets.Moons<double>(200, noise: 0, seed: 2);
        for (var i = 0; i < moons.Count; i++)
        {
            var (x, y) = (moons.Features[2 * i], moons.Features[(2 * i) + 1]);
            var r = moons.Targets[i] == 0 ? Math.Sqrt((x * x) + (y * y)) : Math.Sqrt(((x - 1) * (x - 1)) + ((y - 0.5) * (y - 0.5)));
            Assert.Equal(1, r, 1e-12);
        }

        Assert.Equal(100, moons.Targets.ToArray().Count(t => t == 1));
    }

    [Fact]
    public void Get_UnknownName_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => BuiltInDatasets.Get<double>("mnist"));
}

public class CsvDatasetTests
{
    [Fact]
    public void Load_NumericTarget_LastColumnByDefault()
    {
        var data = CsvDataset.Load<double>(new StringReader("a,b,y\n1,2,0.5\n3,4,1.5\n5,6,2.25\n"), "t.csv");
        Assert.Equal(LearningTask.Regression, data.Task);
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal([0.5, 1.5, 2.25], data.Targets.ToArray());
    }

    [Fact]
    public void Load_NamedTarget_FewIntegers_InfersClassification()
    {
        var data = CsvDataset.Load<double>(new StringReader("label,a,b\n2,1,2\n0,3,4\n2,5,6\n"), "t.csv", "label");
        Assert.Equal(LearningTask.Classification, data.Task);
        Assert.Equal(["0", "2"], data.ClassNames);
        Assert.Equal([1.0, 0, 1], data.Targets.ToArray());
        Assert.Equal([1.0, 2, 3, 4, 5, 6], data.Features.ToArray());
    }

    [Fact]
    public void Load_MissingTargetColumn_NamesFileAndColumns()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsvDataset.Load<double>(new StringReader("a,b\n1,2\n"), "data.csv", "price"));
        Assert.Contains("data.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'price'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NonNumericCell_NamesFileRowAndColumn()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsvDataset.Load<double>(new StringReader("a,b,y\n1,2,3\n4,abc,6\n"), "data.csv"));
        Assert.Contains("data.csv: row 2, column 'b': 'abc'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Empty_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => CsvDataset.Load<double>(new StringReader(""), "e.csv"));
        var ex = Assert.Throws<ArgumentException>(() => CsvDataset.Load<double>(new StringReader("a,y\n"), "e.csv"));
        Assert.Contains("no data rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => CsvDataset.Load<double>("/nonexistent/x.csv"));
}
