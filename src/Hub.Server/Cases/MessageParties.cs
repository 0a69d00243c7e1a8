using Hub.Contracts.V1;
using Hub.Server.Matching;
using Hub.Server.Records;

namespace Hub.Server.Cases;

/// <summary>A message's identifiers and persons in their one column, as proto3 JSON (a CaseMessage holding only them).</summary>
public static class MessageParties
{
    public static string Write(IEnumerable<Identifier> identifiers, IEnumerable<PersonOfInterest> persons)
    {
        var holder = new CaseMessage { Identifiers = { identifiers }, Persons = { persons } };
        return holder.Identifiers.Count + holder.Persons.Count == 0 ? "" : ProtoJson.Formatter.Format(holder);
    }

    public static MatchParts Read(string json)
    {
        if (json.Length == 0)
        {
            return MatchParts.None;
        }
        var holder = ProtoJson.Parser.Parse<CaseMessage>(json);
        return new MatchParts([.. holder.Identifiers], [.. holder.Persons]);
    }
}
