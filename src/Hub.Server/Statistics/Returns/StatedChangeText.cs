using System.Globalization;

namespace Hub.Server.Statistics;

/// <summary>How a change is written.</summary>
public enum ChangeForm
{
    /// <summary><c>-15.2%</c>: (quantity − base) / base × 100.</summary>
    Percent,

    /// <summary><c>x16</c>: quantity / base.</summary>
    Times,

    /// <summary><c>/27</c> ("27 times less"): base / quantity.</summary>
    Divided,
}

/// <summary>
/// A change as a return states it (<see cref="Hub.Contracts.V1.StatedChange.Stated"/>), with
/// the number of decimals written: "16 times" is a claim to the nearest whole factor, and a
/// computed 16.09 agrees with it while 16.6 does not. <see cref="Number"/> is the number as
/// written (signed for a percent, "27" for <c>/27</c>), so that a computed change is compared
/// in the form the words use rather than as a ratio whose rounding means something else.
/// </summary>
public sealed record StatedChangeText(ChangeForm Form, decimal Number, int Decimals)
{
    // More decimals than a report ever writes; also keeps Math.Round within its range.
    private const int MaxDecimals = 10;

    /// <summary>
    /// Reads <c>-15.2%</c>, <c>+2.1 %</c>, <c>−23.89%</c> (Unicode minus), <c>x16</c>,
    /// <c>×2.8</c>, <c>/27</c>, <c>÷27</c>. Null when the text is none of these, or states
    /// something impossible (a decrease beyond 100 %, a factor of zero).
    /// </summary>
    public static StatedChangeText? Parse(string? text)
    {
        var s = (text ?? "").Trim();
        if (s.Length == 0)
        {
            return null;
        }
        if (s[0] is 'x' or 'X' or '×' or '/' or '÷')
        {
            var form = s[0] is '/' or '÷' ? ChangeForm.Divided : ChangeForm.Times;
            return ReadNumber(s[1..]) is { } factor && factor.Number > 0 ? new StatedChangeText(form, factor.Number, factor.Decimals) : null;
        }
        if (s[^1] != '%')
        {
            return null;
        }
        s = s[..^1].TrimEnd();
        var negative = s.Length > 0 && s[0] is '-' or '−';
        if (s.Length > 0 && s[0] is '-' or '−' or '+')
        {
            s = s[1..].TrimStart();
        }
        if (ReadNumber(s) is not { } percent)
        {
            return null;
        }
        var value = negative ? -percent.Number : percent.Number;
        return value < -100 ? null : new StatedChangeText(ChangeForm.Percent, value, percent.Decimals);
    }

    /// <summary>
    /// The change as <see cref="Hub.Contracts.V1.ConsistencyFinding.Stated"/> holds it: the
    /// percent, or the factor quantity / base (1/27 for <c>/27</c>).
    /// </summary>
    public double Value => Form == ChangeForm.Divided ? 1 / (double)Number : (double)Number;

    /// <summary>Written as the contract writes changes: <c>-15.2%</c>, <c>+2.1%</c>, <c>x16</c>, <c>/27</c>.</summary>
    public string Text
    {
        get
        {
            var number = Math.Abs(Number).ToString("F" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            return Form switch
            {
                ChangeForm.Times => "x" + number,
                ChangeForm.Divided => "/" + number,
                _ => (Number > 0 ? "+" : Number < 0 ? "-" : "") + number + "%",
            };
        }
    }

    public override string ToString() => Text;

    /// <summary>
    /// The change from <paramref name="baseQuantity"/> to <paramref name="quantity"/> in this
    /// statement's form, rounded away from zero to its decimals (as a person rounds). Null
    /// when it cannot be written so: nothing in the base period, or "n times less" of nothing.
    /// </summary>
    public StatedChangeText? Compute(decimal quantity, decimal baseQuantity)
    {
        if (baseQuantity <= 0 || quantity < 0 || (Form == ChangeForm.Divided && quantity == 0))
        {
            return null;
        }
        var exact = Form switch
        {
            ChangeForm.Times => quantity / baseQuantity,
            ChangeForm.Divided => baseQuantity / quantity,
            _ => (quantity - baseQuantity) * 100 / baseQuantity,
        };
        return this with { Number = Math.Round(exact, Decimals, MidpointRounding.AwayFromZero) };
    }

    /// <summary>Whether the change computed from the two quantities, rounded as stated, is the stated one.</summary>
    public bool Agrees(decimal quantity, decimal baseQuantity) => Compute(quantity, baseQuantity) is { } computed && computed.Number == Number;

    private static (decimal Number, int Decimals)? ReadNumber(string text)
    {
        var s = text.Trim();
        var point = s.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? s : s[..point];
        var fraction = point < 0 ? "" : s[(point + 1)..];
        if (whole.Length == 0 || !whole.All(char.IsAsciiDigit) || (point >= 0 && (fraction.Length == 0 || !fraction.All(char.IsAsciiDigit)))
            || fraction.Length > MaxDecimals || whole.Length > 15)
        {
            return null;
        }
        return (decimal.Parse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture), fraction.Length);
    }
}
