using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Server.Alerts;

/// <summary>
/// An opaque "continue after this sequence" cursor, bound to the filters it was issued for:
/// keyset paging stays correct while new alerts arrive, and a token reused with other
/// filters is refused instead of silently returning the wrong page.
/// </summary>
public static class PageToken
{
    public static string Create(long afterSequence, string filterKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{afterSequence}.{Fingerprint(filterKey)}")));

    public static bool TryRead(string token, string filterKey, out long beforeSequence)
    {
        beforeSequence = 0;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return false;
        }
        var parts = Encoding.UTF8.GetString(bytes).Split('.');
        return parts.Length == 2
            && parts[1] == Fingerprint(filterKey)
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out beforeSequence);
    }

    private static string Fingerprint(string filterKey) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(filterKey)), 0, 8);
}
