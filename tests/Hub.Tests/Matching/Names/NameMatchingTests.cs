using Hub.Server.Matching.Names;

namespace Hub.Tests.Matching;

/// <summary>Issue 15's names: one person in any scheme and order meets itself, by comparison and by blind key; near names do not.</summary>
public sealed class NameMatchingTests
{
    private static bool ShareKey(string a, string b) => NameKeys.For(a).Intersect(NameKeys.For(b), StringComparer.Ordinal).Any();

    [Theory]
    [InlineData("Назарбаев Нурсултан Абишевич", "NAZARBAYEV NURSULTAN")]
    [InlineData("Назарбаев Нурсултан Абишевич", "Nursultan Nazarbaev")]
    [InlineData("Әбілқасым Жанар", "Abilkasym Zhanar")]
    [InlineData("Әбілқасым Жанар", "Ábilqasym Janar")]
    [InlineData("Ғуломов Шерзод", "G'ulomov Sherzod")]
    [InlineData("Ғуломов Шерзод", "Gulomov Sherzod")]
    [InlineData("Алиев Рашид Гейдар оглы", "ALIYEV RASHID")]
    [InlineData("Токтогулов Бакыт Нурлан уулу", "TOKTOGULOV BAKYT")]
    [InlineData("Нурлан уулу Бакыт", "Bakyt Nurlan uulu")]
    [InlineData("Токтогулов Нурлан уулу", "Toktogulov Nurlan uulu")]
    [InlineData("Ҷӯраев Фирӯз", "Juraev Firuz")]
    [InlineData("Щукина Юлия Сергеевна", "Shchukina Iuliia")]
    public void One_person_in_two_writings_is_the_same_and_shares_a_key(string a, string b)
    {
        Assert.True(NameComparison.Compare(a, b).Same, $"{a} ~ {b}: {NameComparison.Compare(a, b).Score}");
        Assert.True(ShareKey(a, b), $"{string.Join(' ', NameKeys.For(a))} ~ {string.Join(' ', NameKeys.For(b))}");
    }

    [Theory]
    [InlineData("Назарбаев Нурсултан Абишевич", "NAZAROV NURSULTAN")]
    [InlineData("Marat Aliev", "Murat Aliev")]
    [InlineData("Marat Aliev", "Marat Alimov")]
    [InlineData("Алиев Рашид", "Алиев Ильхам")]
    [InlineData("Назарбаев Нурсултан", "Назарбаева Динара")]
    public void Near_names_and_siblings_are_not_the_same_and_share_no_key(string a, string b)
    {
        Assert.False(NameComparison.Compare(a, b).Same, $"{a} ~ {b}: {NameComparison.Compare(a, b).Score}");
        Assert.False(ShareKey(a, b));
    }

    [Fact]
    public void Rustam_and_Rustem_are_one_name_for_the_comparison_though_not_for_the_keys()
    {
        Assert.True(NameComparison.Compare("Rustam Aliev", "Rustem Aliev").Same);
        Assert.False(ShareKey("Rustam Aliev", "Rustem Aliev"));
    }

    [Theory]
    [InlineData("Назарбаев")]
    [InlineData("N. Nazarbaev")]
    [InlineData("Nazarbaev 123")]
    [InlineData("A B")]
    [InlineData("")]
    public void One_word_initials_and_digits_give_no_key(string junk) => Assert.Empty(NameKeys.For(junk));

    [Fact]
    public void A_name_has_at_most_six_keys_sorted_within_each() =>
        Assert.Equal(["NAME:abdulaev|dilshod", "NAME:abdulaev|jamshid", "NAME:abdulaev|karim", "NAME:dilshod|jamshid", "NAME:dilshod|karim", "NAME:jamshid|karim"],
            NameKeys.For("Abdullaev Jamshid Dilshod Karim Ali"));

    [Fact]
    public void The_explanation_names_the_rule_for_each_word()
    {
        var match = NameComparison.Compare("Назарбаев Нурсултан", "Nursultan Nazarbayev Abish");
        Assert.Contains(match.Explanation, t => t is { A: "Назарбаев", B: "Nazarbayev", Rule: "transliteration", Score: 1 });
        Assert.Contains(match.Explanation, t => t is { A: null, B: "Abish", Rule: "unmatched" });
        Assert.StartsWith("jaro-winkler 0.88", NameComparison.Compare("Marat Aliev", "Murat Aliev").Explanation.Single(t => t.A == "Marat").Rule, StringComparison.Ordinal);
        Assert.Equal("exact", NameComparison.Compare("Marat Aliev", "MARAT Aliev").Explanation.Single(t => t.B == "MARAT").Rule);
        Assert.Equal("variant-folded", NameComparison.Compare("Aliyev Rashid", "Aliev Rashid").Explanation.Single(t => t.A == "Aliyev").Rule);
    }

    [Fact]
    public void The_ICU_schemes_are_loaded_on_this_machine()
    {
        Assert.Null(Transliteration.IcuProblem);
        Assert.Equal("Nazarbayev", Transliteration.ToLatin("Назарбаев", NameScheme.BgnPcgn, NameLanguage.Russian));
        Assert.Equal("Äbilqasym", Transliteration.ToLatin("Әбілқасым", NameScheme.BgnPcgn, NameLanguage.Kazakh));
        Assert.Equal("Gʻulomov", Transliteration.ToLatin("Ғуломов", NameScheme.NationalLatin, NameLanguage.Uzbek));
        Assert.Equal("Äbılqasım", Transliteration.ToLatin("Әбылқасым", NameScheme.NationalLatin, NameLanguage.Kazakh));
        Assert.Equal("SHCHUKIN", IcaoTable.ToIcao("ЩУКИН"));
    }
}
