import { Type, type Static } from '@sinclair/typebox';

/**
 * The one configuration schema: a JSON file (relais.config.json, or --config / RELAIS_CONFIG) with
 * environment overrides (see load.ts). Every field has a default, so an empty file — or none — starts
 * Relais on its embedded defaults. docs/configuration.md describes each field.
 */
const Port = (defaultPort?: number) => Type.Integer({ minimum: 0, maximum: 65535, ...(defaultPort === undefined ? {} : { default: defaultPort }) });

const routeName = Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'Unique name of the operator link' });
const operatorCode = Type.String({ pattern: '^[A-Z0-9]{2,6}$', description: "The operator the route reaches, by its code in the regulator's numbering files (ORAN, SFR0, BOUY, FRTE…): routing rules and subscriber checks use it (docs/routing.md)" });
/** What every route may say of the operator it reaches (docs/routing.md). */
const routeOperator = {
  operator: Type.Optional(operatorCode),
  subscribersOnly: Type.Boolean({ default: false, description: "The route carries only its operator's subscribers: any other recipient goes on another route or is refused (Orange's push-SMS offer)" }),
};
const responseTimeoutMs = Type.Integer({ minimum: 100, default: 10_000, description: 'A submit unanswered after this is in doubt' });
const restartAfterUnanswered = Type.Integer({
  minimum: 1,
  default: 5,
  description: 'Submits in a row unanswered within responseTimeoutMs before the session is taken as unhealthy, fed no more and restarted',
});

const SmppRoute = Type.Object(
  {
    name: routeName,
    protocol: Type.Literal('smpp'),
    host: Type.String({ minLength: 1 }),
    port: Port(),
    systemId: Type.String({ minLength: 1, maxLength: 15 }),
    password: Type.String({ maxLength: 8, description: 'SMPP passwords are at most 8 characters' }),
    systemType: Type.Optional(Type.String({ maxLength: 12 })),
    window: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Submits that may be unanswered at once (1 = stop-and-wait)' }),
    responseTimeoutMs,
    restartAfterUnanswered,
    enquireLinkIntervalMs: Type.Integer({ minimum: 1000, default: 30_000 }),
    shortCodeTon: Type.Integer({ minimum: 0, maximum: 6, default: 0 }),
    shortCodeNpi: Type.Integer({ minimum: 0, maximum: 18, default: 1 }),
    ...routeOperator,
  },
  { additionalProperties: false },
);

/** What a UCP session needs beyond its address and login; shared by UCP routes and the Orange profile. */
const ucpSessionSettings = {
  window: Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'Submits that may be unanswered at once, 1 (stop-and-wait) to 100 (every TRN)' }),
  responseTimeoutMs,
  restartAfterUnanswered,
  keepAliveIntervalMs: Type.Integer({ minimum: 1000, default: 30_000, description: 'An alert (operation 31) is sent after this long without traffic' }),
};

const UcpRoute = Type.Object(
  {
    name: routeName,
    protocol: Type.Literal('ucp'),
    host: Type.String({ minLength: 1 }),
    port: Port(),
    login: Type.String({ pattern: '^[0-9]{1,16}$', description: 'OAdC of the login (operation 60): for Orange, the short code' }),
    password: Type.String({ maxLength: 16, description: 'UCP passwords are at most 16 characters' }),
    loginTon: Type.String({ pattern: '^[0-9]$', default: '6', description: 'OTON of the login (6: abbreviated number)' }),
    loginNpi: Type.String({ pattern: '^[0-9]$', default: '5', description: 'ONPI of the login (5: private)' }),
    ...ucpSessionSettings,
    internationalPrefix: Type.String({ pattern: '^[0-9]*$', default: '00', description: 'Written before an international recipient in AdC' }),
    bufferedNotifications: Type.Boolean({ default: false, description: 'Also ask for "buffered" notifications (NT 7)' }),
    expiredReasons: Type.Array(Type.String({ pattern: '^[0-9]{3}$' }), { default: [], description: 'Notification reason codes this SMSC uses for an expired message' }),
    ...routeOperator,
  },
  { additionalProperties: false },
);

export const routeSchemas = { smpp: SmppRoute, ucp: UcpRoute } as const;
const Route = Type.Union([SmppRoute, UcpRoute]);

/** Orange's push-SMS rates per short code: 10/s included, 20, 50, 100 and 150 as options. */
export const orangeRates = [10, 20, 50, 100, 150] as const;

const alsoOn = Type.Optional(
  Type.Array(routeName, { uniqueItems: true, description: 'Other routes that carry this short code too, in order of preference after its first (docs/routing.md)' }),
);

const OrangeProfile = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Port(),
    ...ucpSessionSettings,
    shortCodes: Type.Array(
      Type.Object(
        {
          number: Type.String({ pattern: '^3[4-8][0-9]{3}$', description: 'Five-digit short code (34/35/36/37/38ABC)' }),
          password: Type.String({ maxLength: 16 }),
          ratePerSecond: Type.Union(
            [0, ...orangeRates].map((rate) => Type.Literal(rate)),
            { default: 10, description: 'Throughput subscribed for this short code: 10 (standard), 20, 50, 100 or 150 per second; 0 pauses it' },
          ),
          alsoOn,
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false, description: 'Orange push SMS over UCP: one session per short code, logged in as the short code' },
);

const ShortCode = Type.Object(
  {
    number: Type.String({ pattern: '^[0-9]{5}$', description: 'Five-digit short code (34/35/36/37/38ABC)' }),
    route: Type.String({ minLength: 1, description: 'The route that carries it first' }),
    alsoOn,
    ratePerSecond: Type.Integer({ minimum: 0, description: 'Submits per second the operator allows (10 standard; 20, 50, 100, 150 as options), across all its routes; 0 pauses' }),
  },
  { additionalProperties: false },
);

const RoutingRule = Type.Object(
  {
    operators: Type.Optional(Type.Array(Type.String({ pattern: '^([A-Z0-9]{2,6}|unknown)$' }), { minItems: 1, description: "Recipient's operator codes; `unknown`: a number no numbering file places" })),
    classes: Type.Optional(Type.Array(Type.Union([Type.Literal('transactional'), Type.Literal('marketing')]), { minItems: 1 })),
    accounts: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Account names or ids' })),
    shortCodes: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{5}$' }), { minItems: 1 })),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { minItems: 1, description: 'FR, RE, YT, GP, MQ, GF; ZZ for any other number' })),
    routes: Type.Array(routeName, { minItems: 1, uniqueItems: true, description: 'In order of preference: the first that may carry the message, then its fallbacks' }),
  },
  { additionalProperties: false },
);

export const roles = ['api', 'dispatcher', 'webhooks', 'campaigns', 'retention'] as const;

export const ConfigSchema = Type.Object(
  {
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Port(8080),
        trustProxy: Type.Boolean({
          default: false,
          description: 'Relais is behind a reverse proxy (TLS terminated there): X-Forwarded-For gives the client address, X-Forwarded-Proto whether it came over TLS (the session cookie is then Secure)',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    database: Type.Object(
      {
        url: Type.Optional(Type.String({ description: 'External PostgreSQL 15+; without it Relais runs an embedded PostgreSQL' })),
        dataDir: Type.String({ default: './data', description: 'Where the embedded PostgreSQL keeps its cluster' }),
        maxConnections: Type.Integer({ minimum: 2, default: 10 }),
      },
      { default: {}, additionalProperties: false },
    ),
    roles: Type.Array(Type.Union(roles.map((r) => Type.Literal(r))), { default: [...roles], minItems: 1, uniqueItems: true }),
    simulator: Type.Object(
      {
        enabled: Type.Optional(Type.Boolean({ description: 'Start the built-in SMSC simulator (default: when no route is configured)' })),
        protocol: Type.Union([Type.Literal('smpp'), Type.Literal('ucp')], { default: 'smpp', description: 'What the built-in simulator speaks' }),
        port: Port(0),
        receiptDelayMs: Type.Integer({ minimum: 0, default: 200 }),
        deliveredRatio: Type.Number({ minimum: 0, maximum: 1, default: 1 }),
        shortCode: Type.String({ pattern: '^[0-9]{5}$', default: '36001' }),
        ratePerSecond: Type.Integer({ minimum: 0, default: 100 }),
      },
      { default: {}, additionalProperties: false },
    ),
    smppServer: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'Run the SMPP 3.4 server clients (ESMEs) bind to (with the api role)' }),
        host: Type.String({ default: '127.0.0.1' }),
        port: Port(2775),
        maxBindsPerAccount: Type.Integer({ minimum: 1, default: 10, description: 'Binds at once per account unless its SMPP credential says otherwise' }),
        inactivityTimeoutMs: Type.Integer({ minimum: 1000, default: 120_000, description: 'A bound session that sends nothing, not even enquire_link, for this long is unbound' }),
        pduTimeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'A PDU begun must arrive whole within this time, or the connection is closed' }),
        throughputPerSecond: Type.Optional(Type.Integer({ minimum: 1, description: 'submit_sm per second per account; over it: ESME_RTHROTTLED' })),
        tlsKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key: with tlsCertFile, SMPP over TLS (on port, or on tlsPort beside plain SMPP)' })),
        tlsCertFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate chain for SMPP over TLS' })),
        tlsPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'SMPP over TLS on this port, plain SMPP staying on port (needs tlsKeyFile and tlsCertFile)' })),
      },
      { default: {}, additionalProperties: false },
    ),
    smtp: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'Run the e-mail to SMS door (SMTP, with the api role); docs/email.md' }),
        host: Type.String({ default: '127.0.0.1' }),
        port: Port(2525),
        domain: Type.String({ minLength: 1, default: 'sms.example.net', description: 'Recipients are written <phone number>@domain' }),
        maxMessageBytes: Type.Integer({ minimum: 1024, default: 262_144, description: 'A larger mail is refused (552)' }),
        maxRecipients: Type.Integer({ minimum: 1, default: 100, description: 'Recipients per mail; more are refused (452)' }),
        maxConnections: Type.Integer({ minimum: 1, default: 100, description: 'Connections at once; more are refused (421)' }),
        maxConnectionsPerAddress: Type.Integer({ minimum: 1, default: 10, description: 'Connections at once from one address; more are refused (421)' }),
        idleTimeoutMs: Type.Integer({ minimum: 1000, default: 60_000, description: 'A connection that sends nothing for this long is closed' }),
        maxSessionMs: Type.Integer({ minimum: 1000, default: 600_000, description: 'A connection open this long is closed, however busy' }),
        allowInsecureAuth: Type.Optional(Type.Boolean({ description: 'AUTH without TLS (default: only when host is a loopback address)' })),
        tlsKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key: with tlsCertFile, STARTTLS is offered' })),
        tlsCertFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate chain for STARTTLS' })),
      },
      { default: {}, additionalProperties: false },
    ),
    routes: Type.Array(Route, { default: [] }),
    orange: Type.Optional(OrangeProfile),
    shortCodes: Type.Array(ShortCode, { default: [] }),
    routing: Type.Object(
      {
        rules: Type.Array(RoutingRule, { default: [], description: "Evaluated in order: the first whose filters match and whose routes may carry the message decides; without one, the short code's routes in order (docs/routing.md)" }),
        unknownOperator: Type.Union([Type.Literal('allow'), Type.Literal('refuse')], {
          default: 'allow',
          description: 'A recipient no numbering file places, on a route that carries only its operator\'s subscribers: carried, or refused',
        }),
        failoverAfterMs: Type.Integer({ minimum: 1000, default: 10_000, description: 'A route down, or answering only "throttled", this long gives its queued messages to their next route' }),
      },
      { default: {}, additionalProperties: false },
    ),
    dispatcher: Type.Object(
      {
        pollIntervalMs: Type.Integer({ minimum: 10, default: 100 }),
        claimBatchMax: Type.Integer({ minimum: 1, default: 500 }),
        throttleMarginMs: Type.Integer({ minimum: 0, default: 20 }),
        leaseTtlMs: Type.Integer({ minimum: 1000, default: 15_000 }),
        maxAttempts: Type.Integer({ minimum: 1, default: 10 }),
        receiptSweepMs: Type.Integer({ minimum: 1000, default: 30_000 }),
      },
      { default: {}, additionalProperties: false },
    ),
    billing: Type.Object(
      {
        noReceiptAfterHours: Type.Integer({ minimum: 1, default: 72, description: "A part without a final receipt this long after its submission is settled by its plan's no-receipt policy" }),
        sweepMs: Type.Integer({ minimum: 1000, default: 60_000, description: 'How often parts without receipts are settled and prepaid reservations of finished messages settled' }),
        seller: Type.Optional(
          Type.Object(
            {
              legalName: Type.String({ minLength: 1, description: "The aggregator's legal name (raison sociale), as its invoices name the seller" }),
              legalForm: Type.Optional(Type.String({ minLength: 1, description: 'SAS, SARL… (with the share capital, required of a company)' })),
              shareCapital: Type.Optional(Type.String({ minLength: 1, description: 'e.g. "10 000 €"' })),
              siren: Type.String({ pattern: '^\\d{9}$', description: 'SIREN, 9 digits' }),
              siret: Type.Optional(Type.String({ pattern: '^\\d{14}$' })),
              rcs: Type.Optional(Type.String({ minLength: 1, description: 'e.g. "RCS Paris"' })),
              vatNumber: Type.String({ pattern: '^[A-Z]{2}[0-9A-Z]{2,13}$', description: 'Intra-community VAT number, e.g. FR40303265045' }),
              postalAddress: Type.String({ minLength: 1, description: 'Street, postal code and city, separated by commas' }),
              email: Type.Optional(Type.String({ minLength: 3 })),
              phone: Type.Optional(Type.String({ minLength: 3 })),
              iban: Type.Optional(Type.String({ minLength: 15, description: 'Where invoices are paid by transfer' })),
              bic: Type.Optional(Type.String({ minLength: 8 })),
            },
            { additionalProperties: false, description: 'The seller on every invoice and credit note (docs/billing.md, "Legal mentions"); invoices cannot be rendered without it' },
          ),
        ),
        paymentTermsDays: Type.Integer({ minimum: 0, maximum: 60, default: 30, description: 'Invoices are due this many days after their issue date (at most 60: code de commerce L441-10)' }),
        latePenalty: Type.Optional(Type.String({ minLength: 1, description: 'The late-payment penalty rate, in words, after "au" (default: "taux d\'intérêt appliqué par la Banque centrale européenne à son opération de refinancement la plus récente, majoré de 10 points", the legal rate)' })),
      },
      { default: {}, additionalProperties: false },
    ),
    campaigns: Type.Object(
      {
        tariff: Type.String({ default: 'projetcom-bulk-sms', description: 'Id of the tariff grid campaigns are priced with (dry run, cost so far)' }),
        pollIntervalMs: Type.Integer({ minimum: 10, default: 500, description: 'How often the campaigns role looks for work' }),
        chunk: Type.Integer({ minimum: 1, maximum: 10_000, default: 500, description: 'Recipients queued per transaction' }),
        aheadSeconds: Type.Integer({ minimum: 1, default: 5, description: "Seconds of the short code's rate kept queued ahead of the links" }),
        hygieneIntervalMs: Type.Integer({ minimum: 1000, default: 3_600_000, description: 'How often numbers with more than 2 unknown-subscriber failures in 30 days leave the contacts' }),
      },
      { default: {}, additionalProperties: false },
    ),
    qualification: Type.Object(
      {
        ttlDays: Type.Integer({ minimum: 1, maximum: 365, default: 30, description: 'How long a qualification holds: a number qualified within it is not looked up (nor billed) again (docs/operators.md, "Qualification")' }),
        batch: Type.Integer({ minimum: 1, maximum: 10_000, default: 100, description: 'Numbers sent to the operator lookup in one call' }),
        simulator: Type.Object(
          {
            terminated: Type.Array(Type.String(), { default: [], description: 'E.164 numbers the operator-lookup simulator answers "terminated"' }),
            unknown: Type.Array(Type.String(), { default: [], description: 'E.164 numbers the operator-lookup simulator answers "unknown"' }),
            latencyMs: Type.Integer({ minimum: 0, default: 0, description: "Milliseconds each of the simulator's lookups takes" }),
          },
          { default: {}, additionalProperties: false },
        ),
      },
      { default: {}, additionalProperties: false, description: 'The operator lookup (HLR-style) is the simulator: the only implementation shipped' },
    ),
    geoPresence: Type.Object(
      {
        batch: Type.Integer({ minimum: 1, maximum: 10_000, default: 100, description: 'Numbers sent to the location provider in one call (docs/operators.md, "Géo Présence")' }),
        simulator: Type.Object(
          {
            centre: Type.Object(
              { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
              { default: { lat: 48.853, lon: 2.3499 }, additionalProperties: false, description: 'Where the location simulator places numbers around (degrees; default Paris, Notre-Dame)' },
            ),
            spreadMetres: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000, description: 'The farthest from the centre the simulator places a number (each number at a distance and bearing derived from a hash of it)' }),
            refused: Type.Array(Type.String(), { default: [], description: 'E.164 numbers whose location the simulator answers "refused"' }),
            off: Type.Array(Type.String(), { default: [], description: 'E.164 numbers the simulator answers "off" (phone off or out of coverage)' }),
            unknown: Type.Array(Type.String(), { default: [], description: 'E.164 numbers the simulator answers "unknown"' }),
            positions: Type.Record(Type.String(), Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) }, { additionalProperties: false }), {
              default: {},
              description: 'E.164 numbers the simulator places at a given point instead of by their hash',
            }),
            latencyMs: Type.Integer({ minimum: 0, default: 0, description: "Milliseconds each of the simulator's calls takes" }),
          },
          { default: {}, additionalProperties: false },
        ),
      },
      { default: {}, additionalProperties: false, description: 'The location provider (Géo Présence, localisation) is the simulator: the only implementation shipped' },
    ),
    retention: Type.Object(
      {
        everyMs: Type.Integer({ minimum: 60_000, default: 3_600_000, description: 'How often the retention role runs the retention rules (docs/retention.md)' }),
        batch: Type.Integer({ minimum: 100, maximum: 50_000, default: 5_000, description: 'Rows per retention statement (each its own short transaction)' }),
        pauseMs: Type.Integer({ minimum: 0, default: 20, description: 'Pause between two retention batches, leaving the database to the send path' }),
        rest: Type.Number({ minimum: 0, maximum: 100, default: 3, description: 'After each retention batch, rest this many times as long as the batch took (at least pauseMs): the job holds the database at most 1 / (1 + rest) of the time' }),
        pseudonymKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'File of the secret key numbers are pseudonymised with (hex; created when absent; default <database.dataDir>/pseudonym.key). Every process sharing a database needs the same key' })),
        pseudonymKey: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32,}$', description: 'The pseudonym key itself (hex), e.g. from RELAIS_PSEUDONYM_KEY, instead of the file' })),
      },
      { default: {}, additionalProperties: false },
    ),
    webhooks: Type.Object(
      {
        timeoutMs: Type.Integer({ minimum: 100, default: 5_000 }),
        concurrency: Type.Integer({ minimum: 1, default: 8 }),
        retryScheduleSeconds: Type.Array(Type.Integer({ minimum: 0 }), {
          default: [10, 30, 60, 300, 900, 3600, 10_800, 21_600, 43_200, 86_400],
          minItems: 1,
          description: 'Delay before each retry; the delivery fails after the last one',
        }),
        allowTargets: Type.Array(Type.String({ pattern: '^[0-9a-fA-F:.]+(/[0-9]{1,3})?$' }), {
          default: [],
          description: 'Addresses or CIDR ranges webhooks may reach although loopback, private or link-local (refused otherwise), e.g. ["10.1.2.0/24"]',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    portal: Type.Object(
      {
        publicUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'Where users reach the portal: the links of invitation and password-reset mails point there (default http://<http.host>:<http.port>)' })),
      },
      { default: {}, additionalProperties: false },
    ),
    mail: Type.Object(
      {
        smtp: Type.Object(
          {
            host: Type.Optional(Type.String({ minLength: 1, description: 'The SMTP relay mails are sent through; without it they are written to outboxDir' })),
            port: Port(587),
            secure: Type.Boolean({ default: false, description: 'TLS from the start (port 465); otherwise STARTTLS when the relay offers it' }),
            user: Type.Optional(Type.String({ minLength: 1 })),
            password: Type.Optional(Type.String()),
          },
          { default: {}, additionalProperties: false },
        ),
        from: Type.String({ minLength: 3, default: 'Relais <relais@localhost>', description: 'The sender of invitation and password-reset mails' }),
        outboxDir: Type.Optional(Type.String({ minLength: 1, description: 'Where mails are written as .eml files when no SMTP relay is configured (default <database.dataDir>/outbox)' })),
        supportAddress: Type.Optional(Type.String({ minLength: 3, description: "The aggregator's support desk: told by mail of every incident ticket's events (docs/incidents.md)" })),
      },
      { default: {}, additionalProperties: false },
    ),
    monitoring: Type.Object(
      {
        node: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "This process's name in the availability records (default <host>-<pid>-<random>): unique per process" })),
        heartbeatMs: Type.Integer({ minimum: 1000, default: 30_000, description: 'How often a process records that it is alive; one silent for twice this is taken as gone (docs/monitoring.md)' }),
        metrics: Type.Object(
          {
            enabled: Type.Boolean({ default: false, description: 'Serve Prometheus metrics at GET /metrics on their own admin listener (docs/monitoring.md)' }),
            host: Type.String({ default: '127.0.0.1', description: 'Address of the metrics listener; other than loopback, a token is required' }),
            port: Port(9464),
            token: Type.Optional(Type.String({ minLength: 16, description: 'Scrapes send "Authorization: Bearer <token>" (required when host is not a loopback address)' })),
          },
          { default: {}, additionalProperties: false },
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    log: Type.Object(
      { level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }) },
      { default: {}, additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type RouteConfig = Static<typeof Route>;
export type SmppRouteConfig = Static<typeof SmppRoute>;
export type UcpRouteConfig = Static<typeof UcpRoute>;
export type OrangeProfileConfig = Static<typeof OrangeProfile>;
