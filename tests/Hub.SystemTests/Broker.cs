namespace Hub.SystemTests;

/// <summary>The RabbitMQ broker the system tests run against.</summary>
public static class Broker
{
    public const string Variable = "HUB_TEST_RABBITMQ";

    /// <summary>
    /// The broker's amqp:// URI. Without one the test is skipped on a developer's machine
    /// and fails under CI, where .ci/run always starts a broker.
    /// </summary>
    public static string Require()
    {
        var uri = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(uri))
        {
            return uri;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{Variable} is not set under CI: .ci/run should have started a RabbitMQ node.");
        }
        Assert.Skip($"{Variable} is not set: run `bash .ci/run` to start a private RabbitMQ node and run these tests.");
        return "";
    }
}
