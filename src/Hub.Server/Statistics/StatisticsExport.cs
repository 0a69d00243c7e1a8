using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using Google.Protobuf;
using Hub.Contracts.V1;

namespace Hub.Server.Statistics;

/// <summary>A totals or comparison table as a file: CSV or an XLSX workbook, with the same columns.</summary>
public static class StatisticsExport
{
    public const string NotReported = "not reported";

    /// <summary>One table: a header and rows of cells, a cell a text or a number.</summary>
    public sealed record Table(string Name, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<object>> Rows);

    public static Table Of(Totals totals, IList<StatisticsDimension> groupBy)
    {
        var keys = KeyColumns(groupBy);
        var header = keys.Select(k => k.Name).Concat(["measure", "quantity", "items"]).ToList();
        var rows = totals.Rows.Select(r => (IReadOnlyList<object>)[.. keys.Select(k => k.Value(r.Country, r.Substance, r.Period, r.RouteCountry, r.TransportMode, r.Concealment)),
            MeasureName(r.Measure), r.NotReported ? NotReported : r.Quantity, r.Items]).ToList();
        return new Table("totals", header, rows);
    }

    public static Table Of(Comparison comparison, IList<StatisticsDimension> groupBy)
    {
        var keys = KeyColumns(groupBy.Where(d => d != StatisticsDimension.Period).ToList());
        var header = keys.Select(k => k.Name).Concat(["measure", comparison.BasePeriod, comparison.Period, "change_percent", "factor", "state"]).ToList();
        var rows = comparison.Rows.Select(r => (IReadOnlyList<object>)[.. keys.Select(k => k.Value(r.Country, r.Substance, "", r.RouteCountry, r.TransportMode, r.Concealment)),
            MeasureName(r.Measure), r.BaseReported ? r.BaseQuantity : NotReported, r.Reported ? r.Quantity : NotReported,
            r.HasChangePercent ? Math.Round(r.ChangePercent, 2) : "", r.HasFactor ? Math.Round(r.Factor, 3) : "", Words(r.State)]).ToList();
        return new Table("changes", header, rows);
    }

    public static Google.Api.HttpBody File(Table table, ExportFormat format, string fileName) => format == ExportFormat.Xlsx
        ? new Google.Api.HttpBody { ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data = ByteString.CopyFrom(Xlsx(table)) }
        : new Google.Api.HttpBody { ContentType = "text/csv; charset=utf-8", Data = ByteString.CopyFromUtf8(Csv(table)) };

    public static string FileName(Table table, ExportFormat format) => $"hub-{table.Name}.{(format == ExportFormat.Xlsx ? "xlsx" : "csv")}";

    public static string Csv(Table table)
    {
        var text = new StringBuilder();
        foreach (var row in new[] { table.Header.Cast<object>().ToList() }.Concat(table.Rows))
        {
            text.AppendJoin(',', row.Select(Field)).Append("\r\n");
        }
        return text.ToString();
    }

    private static byte[] Xlsx(Table table)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add(table.Name);
        for (var c = 0; c < table.Header.Count; c++)
        {
            sheet.Cell(1, c + 1).Value = table.Header[c];
            sheet.Cell(1, c + 1).Style.Font.Bold = true;
        }
        for (var r = 0; r < table.Rows.Count; r++)
        {
            for (var c = 0; c < table.Rows[r].Count; c++)
            {
                var cell = sheet.Cell(r + 2, c + 1);
                switch (table.Rows[r][c])
                {
                    case double d:
                        cell.Value = d;
                        break;
                    case long l:
                        cell.Value = l;
                        break;
                    case var other:
                        // Text stays text: a country code or "not reported" is never read as a number or a formula.
                        cell.SetValue(other.ToString() ?? "");
                        cell.DataType = XLDataType.Text;
                        break;
                }
            }
        }
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    private static string Field(object value)
    {
        var text = value switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        // A spreadsheet would run a leading = + - @ as a formula (CSV injection): quoted with a leading apostrophe.
        if (value is string && text.Length > 0 && "=+-@\t\r".Contains(text[0]))
        {
            text = "'" + text;
        }
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }

    private sealed record KeyColumn(string Name, Func<string, Substance, string, string, TransportMode, ConcealmentMethod, string> Value);

    private static List<KeyColumn> KeyColumns(IList<StatisticsDimension> groupBy) => [.. groupBy.Select(d => d switch
    {
        StatisticsDimension.Country => new KeyColumn("country", (c, _, _, _, _, _) => c),
        StatisticsDimension.Substance => new KeyColumn("substance", (_, s, _, _, _, _) => SubstanceName(s)),
        StatisticsDimension.Period => new KeyColumn("period", (_, _, p, _, _, _) => p),
        StatisticsDimension.OriginCountry => new KeyColumn("origin_country", (_, _, _, r, _, _) => r),
        StatisticsDimension.TransitCountry => new KeyColumn("transit_country", (_, _, _, r, _, _) => r),
        StatisticsDimension.DestinationCountry => new KeyColumn("destination_country", (_, _, _, r, _, _) => r),
        StatisticsDimension.TransportMode => new KeyColumn("transport_mode", (_, _, _, _, t, _) => Snake(t.ToString())),
        _ => new KeyColumn("concealment", (_, _, _, _, _, m) => Snake(m.ToString())),
    })];

    public static string SubstanceName(Substance s) => s == Substance.Unspecified ? "all" : Snake(s.ToString());

    public static string MeasureName(Measure m) => m switch
    {
        Measure.MassKg => "kg",
        Measure.VolumeL => "l",
        Measure.Pills => "pills",
        Measure.Ampoules => "ampoules",
        _ => "",
    };

    private static string Words(ChangeState state) => state switch
    {
        ChangeState.Compared => "compared",
        ChangeState.New => "new",
        ChangeState.NotReported => NotReported,
        _ => "",
    };

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
