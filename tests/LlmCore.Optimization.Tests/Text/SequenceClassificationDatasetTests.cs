using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Text;

public class SequenceClassificationDatasetTests
{
    private static readonly int[][] s_documents = [[1, 2, 3, 4, 5], [6], []];

    private static (double[] Features, double[] Targets) All(SequenceClassificationDataset<double> data)
    {
        var x = new double[data.Count * data.FeatureCount];
        var y = new double[data.Count];
        data.CopyExamples(Enumerable.Range(0, data.Count).ToArray(), x, y);
        return (x, y);
    }

    [Fact]
    public void Constructor_RightPadding_TruncatesAndPadsAfter()
    {
        var data = new SequenceClassificationDataset<double>(s_documents, [1, 0, 1], blockSize: 3, vocabularySize: 10, paddingId: 9);

        Assert.Equal(3, data.Count);
        Assert.Equal(3, data.FeatureCount);
        Assert.Equal(1, data.TargetCount);
        Assert.Equal(3, data.TokensPerExample);
        Assert.Equal(["0", "1"], data.ClassNames);
        var (x, y) = All(data);
        Assert.Equal(new double[] { 1, 2, 3, 6, 9, 9, 9, 9, 9 }, x);
        Assert.Equal(new double[] { 1, 0, 1 }, y);
        Assert.Equal([3, 1, 0], Enumerable.Range(0, 3).Select(data.LengthOf));
        Assert.Equal([1, 0, 1], Enumerable.Range(0, 3).Select(data.LabelOf));
    }

    [Fact]
    public void Constructor_LeftPadding_PutsTheLastTokenAtTheEnd()
    {
        var data = new SequenceClassificationDataset<double>(s_documents, [1, 0, 1], 3, 10, 0, ["ham", "spam"], PaddingSide.Left);

        var (x, _) = All(data);
        Assert.Equal(new double[] { 1, 2, 3, 0, 0, 6, 0, 0, 0 }, x);
        Assert.Equal(["ham", "spam"], data.ClassNames);
    }

    [Fact]
    public void FromTexts_ByteTokenizer_UsesItsPaddingId()
    {
        var data = SequenceClassificationDataset<float>.FromTexts(["hi", "hello"], [0, 1], ByteTokenizer.Instance, blockSize: 4);

        var x = new float[8];
        var y = new float[2];
        data.CopyExamples([0, 1], x, y);
        Assert.Equal(new float[] { 104, 105, 0, 0, 104, 101, 108, 108 }, x);
        Assert.Equal(new float[] { 0, 1 }, y);
        Assert.Equal(256, data.VocabularySize);
    }

    [Fact]
    public void Constructor_BadInput_ThrowsNamingTheParameter()
    {
        Assert.Equal("documents", Assert.Throws<ArgumentException>(() => new SequenceClassificationDataset<double>([], [], 3, 10, 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => new SequenceClassificationDataset<double>(s_documents, [1, 0], 3, 10, 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceClassificationDataset<double>(s_documents, [1, 0, -1], 3, 10, 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceClassificationDataset<double>(s_documents, [1, 0, 2], 3, 10, 0, ["a", "b"])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => new SequenceClassificationDataset<double>(s_documents, [0, 0, 0], 3, 10, 0)).ParamName);
        Assert.Equal("paddingId", Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceClassificationDataset<double>(s_documents, [1, 0, 1], 3, 10, 10)).ParamName);
        Assert.Equal("documents", Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceClassificationDataset<double>([[1, 10]], [0], 3, 10, 0, ["a", "b"])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceClassificationDataset<double>(s_documents, [1, 0, 1], 0, 10, 0));
        Assert.Throws<ArgumentException>(() => new SequenceClassificationDataset<float>(s_documents, [1, 0, 1], 3, 16_777_218, 0));
    }

    [Fact]
    public void CopyExamples_BadArguments_ThrowNamingTheParameter()
    {
        var data = new SequenceClassificationDataset<double>(s_documents, [1, 0, 1], 3, 10, 0);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => data.CopyExamples([0], new double[2], new double[1])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => data.CopyExamples([0], new double[3], new double[2])).ParamName);
        Assert.Equal("indices", Assert.Throws<ArgumentOutOfRangeException>(() => data.CopyExamples([3], new double[3], new double[1])).ParamName);
    }
}
