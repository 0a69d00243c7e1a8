using System.Globalization;
using System.Text;
using Hub.Server.Matching.Names;

namespace Hub.Tests.Matching;

/// <summary>
/// Writes name-pairs.csv: people named in their language's Cyrillic, paired with the Latin forms
/// the schemes give (same) and with their hard negatives (not same). Deterministic: a fixed seed,
/// the committed file must equal its output (NamePairsFileTests).
/// </summary>
public static class NamePairsGenerator
{
    private sealed record Group(NameLanguage Language, string[] Surnames, string[] Men, string[] Women, string Son, string Daughter);

    // Surnames in their masculine form; feminine adds "а" to -ов/-ев/-ин.
    private static readonly Group[] Groups =
    [
        new(NameLanguage.Kazakh, ["Назарбаев", "Әбілқасымов", "Жұмабаев", "Төлеуов", "Сәрсенбаев", "Қасымов", "Оспанов", "Нұрғалиев", "Мұқанов", "Бекмұхамбетов", "Ахметов", "Есімов", "Шәкенов", "Ыбыраев", "Құнанбаев", "Серікбаев"],
            ["Нұрсұлтан", "Ерлан", "Қайрат", "Әділ", "Серік", "Жандос", "Бауыржан", "Ғалым", "Асқар", "Дәулет"], ["Жанар", "Әйгерім", "Гүлнар", "Айгүл", "Динара", "Ақмарал", "Сәуле", "Мадина"], "ұлы", "қызы"),
        new(NameLanguage.Kyrgyz, ["Токтогулов", "Асанов", "Жээнбеков", "Атамбаев", "Отунбаев", "Сооронбаев", "Бөкөнбаев", "Үсөнов", "Мамытов", "Ташиев", "Жапаров", "Акаев"],
            ["Нурлан", "Бакыт", "Алмазбек", "Сооронбай", "Үсөн", "Төлөгөн", "Мирлан", "Эрмек"], ["Айпери", "Бермет", "Чолпон", "Нуржан", "Гүлзат", "Жылдыз"], "уулу", "кызы"),
        new(NameLanguage.Uzbek, ["Ғуломов", "Каримов", "Мирзиёев", "Юсупов", "Хўжаев", "Раҳимов", "Тошматов", "Қодиров", "Усмонов", "Эргашев", "Абдуллаев", "Назаров", "Алимов", "Жўраев"],
            ["Шерзод", "Ўктам", "Жамшид", "Ҳасан", "Улуғбек", "Фаррух", "Ботир", "Дилшод", "Рустам", "Сардор"], ["Дилноза", "Гулноза", "Ойбек", "Нилуфар", "Малика", "Шаҳноза"], "ўғли", "қизи"),
        new(NameLanguage.Tajik, ["Раҳмонов", "Ҷӯраев", "Қурбонов", "Собиров", "Саидов", "Шарипов", "Давлатов", "Ғафуров", "Нуриддинов", "Ҳакимов"],
            ["Фирӯз", "Ҷамшед", "Бахтиёр", "Илҳом", "Шуҳрат", "Далер", "Парвиз", "Ҷонибек"], ["Мадина", "Тахмина", "Фарангис", "Нигина", "Зарина", "Манижа"], "", ""),
        new(NameLanguage.Russian, ["Алиев", "Мамедов", "Гусейнов", "Гасанов", "Ибрагимов", "Иванов", "Кузнецов", "Щукин", "Соловьёв", "Ерёменко", "Григорьев", "Яковлев", "Юдин", "Смирнов", "Фёдоров", "Ильин", "Цой", "Ким"],
            ["Рашид", "Ильхам", "Марат", "Мурат", "Юрий", "Дмитрий", "Алексей", "Евгений", "Сергей", "Фёдор", "Тимур", "Руслан", "Ильяс", "Вагиф"], ["Елена", "Юлия", "Мария", "Наталья", "Ольга", "Севиль", "Айдан", "Татьяна", "Ксения"], "оглы", "кызы"),
    ];

    private static readonly (string A, string B)[] NearNames =
    [
        ("Марат", "Мурат"), ("Назаров", "Назарбаев"), ("Алиев", "Алимов"), ("Асанов", "Усманов"), ("Каримов", "Керимов"),
        ("Ерлан", "Ерлат"), ("Бакыт", "Бахыт"), ("Тимур", "Темир"), ("Юсупов", "Юнусов"), ("Саидов", "Садыков"),
    ];

    public static string Generate()
    {
        var random = new Random(15);
        var rows = new List<(string A, string B, bool Same)>();
        foreach (var g in Groups)
        {
            foreach (var surname in g.Surnames)
            {
                for (var k = 0; k < 9; k++)
                {
                    var female = random.Next(2) == 0;
                    var given = Pick(random, female ? g.Women : g.Men);
                    var family = female ? Feminine(surname) : surname;
                    var father = Pick(random, g.Men);
                    var cyrillic = $"{family} {given}{Patronymic(g, father, female, random)}";
                    var latin = Render(g.Language, $"{family} {given}", k);
                    rows.Add((cyrillic, latin, true));
                    var sibling = Pick(random, (female ? g.Women : g.Men).Where(n => n != given).ToArray());
                    rows.Add((cyrillic, Render(g.Language, $"{family} {sibling}", k + 1), false));
                    var other = Pick(random, g.Surnames.Where(s => s != surname).ToArray());
                    rows.Add((cyrillic, Render(g.Language, $"{(female ? Feminine(other) : other)} {given}", k + 2), false));
                    if (k % 4 == 0)
                    {
                        var opposite = Pick(random, female ? g.Men : g.Women);
                        rows.Add((cyrillic, Render(g.Language, $"{(female ? surname : Feminine(surname))} {opposite}", k + 3), false));
                    }
                }
            }
        }
        foreach (var (a, b) in NearNames)
        {
            for (var k = 0; k < 10; k++)
            {
                var g = Groups[k % Groups.Length];
                var other = Pick(random, g.Surnames.Concat(g.Men).Where(n => n != a && n != b).ToArray());
                rows.Add(($"{a} {other}", Render(NameLanguage.Russian, $"{b} {other}", k), false));
            }
        }
        var csv = new StringBuilder("a,b,same\n");
        foreach (var (a, b, same) in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{Csv.Field(a)},{Csv.Field(b)},{(same ? "true" : "false")}\n");
        }
        return csv.ToString();
    }

    private static string Pick(Random random, string[] from) => from[random.Next(from.Length)];

    private static string Feminine(string surname) =>
        surname.EndsWith("ов", StringComparison.Ordinal) || surname.EndsWith("ев", StringComparison.Ordinal) || surname.EndsWith("ёв", StringComparison.Ordinal)
        || surname.EndsWith("ин", StringComparison.Ordinal) ? surname + "а" : surname;

    private static string Patronymic(Group g, string father, bool female, Random random)
    {
        var style = random.Next(3);
        if (style == 0)
        {
            return "";
        }
        if (style == 1 || g.Son.Length == 0)
        {
            var stem = father.EndsWith('й') ? father[..^1] + "е" : father + "о";
            return " " + stem + (female ? "вна" : "вич");
        }
        return g.Language is NameLanguage.Kazakh ? $" {father}{(female ? g.Daughter : g.Son)}" : $" {father} {(female ? g.Daughter : g.Son)}";
    }

    /// <summary>The Latin form by the k-th scheme: BGN/PCGN, ICAO, national Latin, passport capitals, swapped order.</summary>
    private static string Render(NameLanguage language, string cyrillic, int k)
    {
        var words = cyrillic.Split(' ');
        return (k % 5) switch
        {
            0 => Transliteration.ToLatin(cyrillic, NameScheme.BgnPcgn, language),
            1 => IcaoTable.ToIcao(cyrillic),
            2 => Transliteration.ToLatin(cyrillic, NameScheme.NationalLatin, language),
            3 => IcaoTable.ToIcao(cyrillic).ToUpperInvariant(),
            _ => Transliteration.ToLatin(words[1] + " " + words[0], NameScheme.BgnPcgn, language),
        };
    }
}
