using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Hub.Server.Validation;

namespace Hub.Server.ErrorHandling;

/// <summary>
/// Binds the generated gRPC services as grpc-dotnet's own binder does, but with request
/// marshallers that answer undecodable bytes (garbage, truncation, invalid UTF-8 in a string
/// field) with INVALID_ARGUMENT naming the field. Deserialisation runs before any interceptor;
/// left alone, Google.Protobuf's exception becomes a bare INTERNAL or UNKNOWN. grpc-dotnet
/// passes an <see cref="RpcException"/> thrown by a deserializer through as the call's
/// status, which is what the guard throws. Replaces <c>BinderServiceMethodProvider</c>;
/// JSON transcoding has its own provider and reads JSON, not these marshallers.
/// </summary>
public sealed class GuardedServiceMethodProvider<TService> : IServiceMethodProvider<TService> where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        if (FindBindMethod(typeof(TService)) is not { } bind)
        {
            return;
        }
        // BindService(ServiceBinderBase, TServiceBase): the second parameter names the generated base.
        var serviceBase = bind.GetParameters()[1].ParameterType;
        bind.Invoke(null, [new Binder(context, serviceBase), null]);
    }

    private static MethodInfo? FindBindMethod(Type service)
    {
        for (var type = service; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType
                    .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .SingleOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is [{ } first, _] && first.ParameterType == typeof(ServiceBinderBase));
            }
        }
        return null;
    }

    internal static Marshaller<T> Guard<T>(Marshaller<T> inner)
    {
        var descriptor = typeof(T).GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageDescriptor;
        return new Marshaller<T>(inner.ContextualSerializer, context =>
        {
            try
            {
                return inner.ContextualDeserializer(context);
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or ArgumentException)
            {
                // ArgumentException: Google.Protobuf decodes strings with a throwing UTF-8 decoder.
                var fault = descriptor is null ? new FieldError("", "is not a valid message") : WireDiagnosis.Find(descriptor, context.PayloadAsNewBuffer());
                var name = descriptor?.FullName ?? typeof(T).Name;
                throw fault.Field.Length == 0
                    ? ErrorStatus.Malformed($"request ({name}) {fault.Message}", [])
                    : ErrorStatus.Malformed(fault.ToString(), [fault]);
            }
        });
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type serviceBase) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Guarded(method), Metadata(method.Name, out var target, typeof(TRequest), typeof(ServerCallContext)),
                target.CreateDelegate<UnaryServerMethod<TService, TRequest, TResponse>>());

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Guarded(method), Metadata(method.Name, out var target, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                target.CreateDelegate<ServerStreamingServerMethod<TService, TRequest, TResponse>>());

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Guarded(method), Metadata(method.Name, out var target, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)),
                target.CreateDelegate<ClientStreamingServerMethod<TService, TRequest, TResponse>>());

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Guarded(method), Metadata(method.Name, out var target, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                target.CreateDelegate<DuplexStreamingServerMethod<TService, TRequest, TResponse>>());

        private static Method<TRequest, TResponse> Guarded<TRequest, TResponse>(Method<TRequest, TResponse> method) where TRequest : class where TResponse : class =>
            new(method.Type, method.ServiceName, method.Name, Guard(method.RequestMarshaller), method.ResponseMarshaller);

        /// <summary>
        /// The implementation's override of the generated method, and the endpoint metadata
        /// grpc-dotnet's binder gives it: the service's attributes, then the method's (which
        /// win: [Authorize], [AllowAnonymous]), and POST with CORS preflight.
        /// </summary>
        private List<object> Metadata(string name, out MethodInfo target, params Type[] parameters)
        {
            target = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
                is { IsVirtual: true } m && m.GetBaseDefinition().DeclaringType == serviceBase
                ? m
                : throw new InvalidOperationException($"{typeof(TService)} has no override of {serviceBase}.{name}.");
            List<object> metadata = [.. typeof(TService).GetCustomAttributes(inherit: true), .. target.GetCustomAttributes(inherit: true)];
            metadata.Add(new Microsoft.AspNetCore.Routing.HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return metadata;
        }
    }
}
