namespace Hub.Server.Statistics;

public static class StatisticsSetup
{
    /// <summary>Statistics: the options (mass factors, folding) and the pass that folds tallies into cells.</summary>
    public static IServiceCollection AddStatistics(this IServiceCollection services)
    {
        services.AddOptions<StatisticsOptions>().BindConfiguration(StatisticsOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.FoldInterval > TimeSpan.Zero, "Hub:Statistics:FoldInterval must be positive").ValidateOnStart();
        services.AddSingleton<StatisticsCells>();
        services.AddSingleton<SeizureCellsBuilder>();
        services.AddHostedService(sp => sp.GetRequiredService<SeizureCellsBuilder>());
        services.AddSingleton<SeizureFoldPass>();
        services.AddHostedService(sp => sp.GetRequiredService<SeizureFoldPass>());
        return services;
    }

    public static WebApplication MapStatistics(this WebApplication app)
    {
        app.MapGrpcService<StatisticsService>();
        return app;
    }
}
