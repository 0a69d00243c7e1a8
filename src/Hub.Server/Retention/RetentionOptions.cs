namespace Hub.Server.Retention;

/// <summary>The <c>Hub:Retention</c> settings.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Hub:Retention";

    /// <summary>The clock retention decides on: the hub's, unless a test puts its own under this key.</summary>
    public const string ClockKey = "retention";

    /// <summary>How long an alert is kept before it is due for review (Europol's EIS: three years).</summary>
    public TimeSpan AlertReview { get; set; } = TimeSpan.FromDays(3 * 365);

    /// <summary>How long a case message is kept before it is due for review.</summary>
    public TimeSpan MessageReview { get; set; } = TimeSpan.FromDays(3 * 365);

    /// <summary>How long a controlled delivery's details are kept before they are due for review.</summary>
    public TimeSpan DeliveryReview { get; set; } = TimeSpan.FromDays(3 * 365);

    /// <summary>How long after its review date a record nobody kept is purged.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often each node looks for records to purge.</summary>
    public TimeSpan PassInterval { get; set; } = TimeSpan.FromHours(1);
}
