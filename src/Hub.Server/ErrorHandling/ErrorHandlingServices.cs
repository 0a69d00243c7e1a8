using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace Hub.Server.ErrorHandling;

public static class ErrorHandlingServices
{
    /// <summary>
    /// After AddGrpc: gRPC services bound with guarded request marshallers instead of
    /// grpc-dotnet's binder (both would map every method twice), and the error detail types
    /// known to JSON transcoding, which writes <c>google.rpc.Status</c> details as JSON.
    /// </summary>
    public static IServiceCollection AddHubErrorHandling(this IServiceCollection services)
    {
        var binder = services.SingleOrDefault(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType is { Name: "BinderServiceMethodProvider`1" } t && t.Assembly == typeof(IServiceMethodProvider<>).Assembly)
            ?? throw new InvalidOperationException("AddHubErrorHandling must follow AddGrpc: grpc-dotnet's binder was not found to replace.");
        services.Remove(binder);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(GuardedServiceMethodProvider<>));
        services.Configure<GrpcJsonTranscodingOptions>(o => o.TypeRegistry = TypeRegistry.FromMessages(ErrorStatus.DetailTypes));
        return services;
    }
}
