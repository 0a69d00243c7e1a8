using Hub.Server.Matching.Names;

namespace Hub.Tests.Matching;

/// <summary>The committed data set is what the generator writes; HUB_WRITE_NAME_PAIRS=1 rewrites it in the source tree.</summary>
public sealed class NamePairsFileTests
{
    internal static string CommittedPath => Path.Combine(AppContext.BaseDirectory, "Matching", "Names", "name-pairs.csv");

    [Fact]
    public void The_committed_name_pairs_are_the_generators_output()
    {
        Assert.Contains(NameScheme.BgnPcgn, Transliteration.LoadedSchemes);
        var generated = NamePairsGenerator.Generate();
        if (Environment.GetEnvironmentVariable("HUB_WRITE_NAME_PAIRS") == "1")
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "Hub.sln")))
            {
                root = Path.GetDirectoryName(root)!;
            }
            File.WriteAllText(Path.Combine(root, "tests", "Hub.Tests", "Matching", "Names", "name-pairs.csv"), generated);
            return;
        }
        Assert.Equal(generated, File.ReadAllText(CommittedPath));
    }
}
