using Google.Protobuf.WellKnownTypes;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Alerts;

namespace Hub.Tests.Alerts;

public class AlertValidatorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static TheoryData<string, string> InvalidAlerts => new()
    {
        { "no items", "alert.items" },
        { "unknown substance", "alert.items[0].substance" },
        { "unspecified substance", "alert.items[0].substance" },
        { "other substance without detail", "alert.items[0].substance_detail" },
        { "unknown unit", "alert.items[0].unit" },
        { "unspecified unit", "alert.items[0].unit" },
        { "zero quantity", "alert.items[0].quantity" },
        { "negative quantity", "alert.items[1].quantity" },
        { "NaN quantity", "alert.items[0].quantity" },
        { "infinite quantity", "alert.items[0].quantity" },
        { "seized far in the future", "alert.seized_at" },
        { "seized before 1990", "alert.seized_at" },
        { "no seizure time", "alert.seized_at" },
        { "over-long summary", "alert.summary" },
        { "over-long agency", "alert.reporting_agency" },
        { "control characters in summary", "alert.summary" },
        { "no agency", "alert.reporting_agency" },
        { "no location", "alert.location" },
        { "no place", "alert.location.place" },
        { "latitude out of range", "alert.location.coordinates.latitude" },
        { "longitude out of range", "alert.location.coordinates.longitude" },
        { "malformed idempotency key", "idempotency_key" },
        { "short idempotency key", "idempotency_key" },
        { "no idempotency key", "idempotency_key" },
        { "bad route country", "alert.route.origin_country" },
        { "bad transit country", "alert.route.transit_countries[1]" },
        { "lower-case nationality", "alert.detentions.nationalities[0]" },
        { "negative detainees", "alert.detentions.count" },
        { "unspecified identifier kind", "alert.identifiers[0].kind" },
        { "empty identifier", "alert.identifiers[0].value" },
        { "no distribution", "alert.distribution" },
        { "addressed without countries", "alert.addressed_countries" },
        { "countries without addressed", "alert.addressed_countries" },
        { "no handling code", "alert.handling_code" },
        { "H3 without restrictions", "alert.handling_restrictions" },
        { "unknown concealment", "alert.concealment" },
        { "other concealment without detail", "alert.concealment_detail" },
        { "no reporting country", "alert.reporting_country" },
        { "no alert", "alert" },
    };

    private static PostAlertRequest Break(string how)
    {
        var r = SampleAlerts.HeroinAtKorday();
        var a = r.Alert;
        switch (how)
        {
            case "no items": a.Items.Clear(); break;
            case "unknown substance": a.Items[0].Substance = (Substance)999; break;
            case "unspecified substance": a.Items[0].Substance = Substance.Unspecified; break;
            case "other substance without detail": a.Items[0].Substance = Substance.Other; break;
            case "unknown unit": a.Items[0].Unit = (QuantityUnit)77; break;
            case "unspecified unit": a.Items[0].Unit = QuantityUnit.Unspecified; break;
            case "zero quantity": a.Items[0].Quantity = 0; break;
            case "negative quantity": a.Items[1].Quantity = -3; break;
            case "NaN quantity": a.Items[0].Quantity = double.NaN; break;
            case "infinite quantity": a.Items[0].Quantity = double.PositiveInfinity; break;
            case "seized far in the future": a.SeizedAt = Timestamp.FromDateTimeOffset(Now.AddDays(3)); break;
            case "seized before 1990": a.SeizedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(1989, 12, 31, 0, 0, 0, TimeSpan.Zero)); break;
            case "no seizure time": a.SeizedAt = null; break;
            case "over-long summary": a.Summary = new string('x', AlertValidator.MaxSummary + 1); break;
            case "over-long agency": a.ReportingAgency = new string('x', AlertValidator.MaxShortText + 1); break;
            case "control characters in summary": a.Summary = "bad\u0000byte"; break;
            case "no agency": a.ReportingAgency = "  "; break;
            case "no location": a.Location = null; break;
            case "no place": a.Location.Place = ""; break;
            case "latitude out of range": a.Location.Coordinates.Latitude = 91; break;
            case "longitude out of range": a.Location.Coordinates.Longitude = -181; break;
            case "malformed idempotency key": r.IdempotencyKey = "key with spaces!"; break;
            case "short idempotency key": r.IdempotencyKey = "abc"; break;
            case "no idempotency key": r.IdempotencyKey = ""; break;
            case "bad route country": a.Route.OriginCountry = "XXX"; break;
            case "bad transit country": a.Route.TransitCountries[1] = "KG"; break;
            case "lower-case nationality": a.Detentions.Nationalities[0] = "kgz"; break;
            case "negative detainees": a.Detentions.Count = -1; break;
            case "unspecified identifier kind": a.Identifiers[0].Kind = IdentifierKind.Unspecified; break;
            case "empty identifier": a.Identifiers[0].Value = ""; break;
            case "no distribution": a.Distribution = Distribution.Unspecified; break;
            case "addressed without countries": a.Distribution = Distribution.Addressed; break;
            case "countries without addressed": a.AddressedCountries.Add("KGZ"); break;
            case "no handling code": a.HandlingCode = HandlingCode.Unspecified; break;
            case "H3 without restrictions": a.HandlingCode = HandlingCode.H3; break;
            case "unknown concealment": a.Concealment = (ConcealmentMethod)42; break;
            case "other concealment without detail": a.Concealment = ConcealmentMethod.Other; break;
            case "no reporting country": a.ReportingCountry = ""; break;
            case "no alert": r.Alert = null; break;
            default: throw new ArgumentException(how);
        }
        return r;
    }

    [Fact]
    public void Accepts_the_sample_alert()
    {
        var errors = AlertValidator.Validate(SampleAlerts.HeroinAtKorday(), Now);

        Assert.Empty(errors.All);
    }

    [Theory]
    [MemberData(nameof(InvalidAlerts))]
    public void Refuses_an_invalid_alert_naming_the_field(string how, string field)
    {
        var errors = AlertValidator.Validate(Break(how), Now);

        var error = Assert.Single(errors.All);
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Accepts_a_little_clock_skew_but_not_more()
    {
        var request = SampleAlerts.HeroinAtKorday();
        request.Alert.SeizedAt = Timestamp.FromDateTimeOffset(Now.AddMinutes(9));
        Assert.Empty(AlertValidator.Validate(request, Now).All);

        request.Alert.SeizedAt = Timestamp.FromDateTimeOffset(Now.AddMinutes(11));
        Assert.Equal("alert.seized_at", Assert.Single(AlertValidator.Validate(request, Now).All).Field);
    }

    [Fact]
    public void Reports_every_error_at_once()
    {
        var request = Break("zero quantity");
        request.Alert.Items[1].Unit = QuantityUnit.Unspecified;
        request.Alert.Summary = new string('y', 5000);

        var fields = AlertValidator.Validate(request, Now).All.Select(e => e.Field).ToList();

        Assert.Equal(["alert.items[0].quantity", "alert.items[1].unit", "alert.summary"], fields);
    }
}
