IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE TABLE [Alerts] (
        [Sequence] bigint NOT NULL IDENTITY,
        [Id] uniqueidentifier NOT NULL,
        [PostedEventId] uniqueidentifier NOT NULL,
        [ReportingCountry] nvarchar(16) NOT NULL,
        [IdempotencyKey] nvarchar(64) NOT NULL,
        [ContentHash] nvarchar(64) NOT NULL,
        [SeizedAtUtc] datetime2 NOT NULL,
        [ReceivedAtUtc] datetime2 NOT NULL,
        [Distribution] nvarchar(40) NOT NULL,
        [HandlingCode] nvarchar(8) NOT NULL,
        [AddressedCountries] nvarchar(1000) NOT NULL,
        [ContentJson] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_Alerts] PRIMARY KEY ([Sequence])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE TABLE [Countries] (
        [Code] nvarchar(16) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [Note] nvarchar(200) NULL,
        CONSTRAINT [PK_Countries] PRIMARY KEY ([Code])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE TABLE [Outbox] (
        [Id] bigint NOT NULL IDENTITY,
        [MessageId] uniqueidentifier NOT NULL,
        [MessageType] nvarchar(100) NOT NULL,
        [Payload] nvarchar(max) NOT NULL,
        [CreatedAtUtc] datetime2 NOT NULL,
        [DispatchedAtUtc] datetime2 NULL,
        [Attempts] int NOT NULL,
        [LastError] nvarchar(2000) NULL,
        CONSTRAINT [PK_Outbox] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE TABLE [AlertItems] (
        [Id] bigint NOT NULL IDENTITY,
        [AlertSequence] bigint NOT NULL,
        [Position] int NOT NULL,
        [Substance] nvarchar(40) NOT NULL,
        [Quantity] float NOT NULL,
        [Unit] nvarchar(16) NOT NULL,
        [NormalizedQuantity] float NOT NULL,
        [NormalizedDimension] nvarchar(16) NOT NULL,
        CONSTRAINT [PK_AlertItems] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AlertItems_Alerts_AlertSequence] FOREIGN KEY ([AlertSequence]) REFERENCES [Alerts] ([Sequence]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE INDEX [IX_AlertItems_AlertSequence] ON [AlertItems] ([AlertSequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE INDEX [IX_AlertItems_Substance_AlertSequence] ON [AlertItems] ([Substance], [AlertSequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Alerts_Id] ON [Alerts] ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Alerts_ReportingCountry_IdempotencyKey] ON [Alerts] ([ReportingCountry], [IdempotencyKey]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE INDEX [IX_Alerts_SeizedAtUtc] ON [Alerts] ([SeizedAtUtc]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE INDEX [IX_Outbox_DispatchedAtUtc_Id] ON [Outbox] ([DispatchedAtUtc], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Outbox_MessageId] ON [Outbox] ([MessageId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129082139_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129082139_Initial', N'10.0.15');
END;

COMMIT;
GO

