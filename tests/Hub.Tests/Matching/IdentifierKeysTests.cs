using Hub.Contracts.V1;
using Hub.Server.Matching;

namespace Hub.Tests.Matching;

/// <summary>One canonical form per identifier, whoever typed it and however; junk gives none.</summary>
public sealed class IdentifierKeysTests
{
    [Theory]
    [InlineData("+996 555 123 456", "KGZ")]
    [InlineData("0555 123456", "KGZ")]
    [InlineData("+996-555-12-34-56", "UZB")]
    [InlineData("00996555123456", "KGZ")]
    public void A_Kyrgyz_mobile_written_four_ways_is_one_E164_number(string written, string owner) =>
        Assert.Equal(new MatchValue(IdentifierKind.PhoneNumber, "+996555123456"), IdentifierKeys.Normalise(IdentifierKind.PhoneNumber, written, owner));

    [Fact]
    public void A_national_number_is_read_in_the_owners_numbering_plan() =>
        Assert.Equal("+77011234567", IdentifierKeys.Phone("8 701 123 45 67", "KAZ"));

    [Theory]
    [InlineData("12345")]
    [InlineData("+996 000 000 000")]
    [InlineData("not a phone")]
    public void Numbers_no_plan_knows_are_not_matched(string junk) =>
        Assert.Null(IdentifierKeys.Normalise(IdentifierKind.PhoneNumber, junk, "KGZ"));

    [Fact]
    public void A_plate_typed_with_every_Cyrillic_look_alike_is_its_Latin_form()
    {
        const string cyrillic = "АВЕКМНОРСТХ 123";
        const string latin = "abekmhopctx-123";
        var fromCyrillic = IdentifierKeys.Normalise(IdentifierKind.VehiclePlate, cyrillic, "KAZ");
        Assert.Equal(IdentifierKeys.Normalise(IdentifierKind.VehiclePlate, latin, "KAZ"), fromCyrillic);
        Assert.Equal("PLATE:ABEKMHOPCTX123", fromCyrillic!.Value.Canonical);
    }

    [Theory]
    [InlineData(IdentifierKind.VehiclePlate, "A-1")]
    [InlineData(IdentifierKind.DocumentNumber, "0000000")]
    [InlineData(IdentifierKind.DocumentNumber, "N12")]
    [InlineData(IdentifierKind.Unspecified, "N12345678")]
    public void Short_repeated_or_unkinded_values_are_junk(IdentifierKind kind, string junk) =>
        Assert.Null(IdentifierKeys.Normalise(kind, junk, "KAZ"));

    [Fact]
    public void Document_numbers_lose_their_separators_and_case() =>
        Assert.Equal("DOC:N12345678", IdentifierKeys.Normalise(IdentifierKind.DocumentNumber, "n 1234-5678", "UZB")!.Value.Canonical);
}
