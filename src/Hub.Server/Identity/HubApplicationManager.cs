using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Hub.Server.Identity;

/// <summary>
/// OpenIddict's application manager, with the one thing the record pipeline needs from it in
/// public: preparing a new client (secret hashed as OpenIddict verifies it) without storing
/// it, so that the client is stored by the pipeline's commit, with its audit entry and
/// idempotency key, rather than in a transaction of its own.
/// </summary>
public sealed class HubApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public async ValueTask<OpenIddictEntityFrameworkCoreApplication> PrepareAsync(OpenIddictApplicationDescriptor descriptor, CancellationToken ct)
    {
        var application = new OpenIddictEntityFrameworkCoreApplication();
        await PopulateAsync(application, descriptor, ct);
        application.ClientSecret = await ObfuscateClientSecretAsync(descriptor.ClientSecret!, ct);
        return application;
    }
}
