/**
 * The one place where everything is wired: configuration → store → roles (API, dispatcher, webhooks),
 * plus the embedded PostgreSQL and the built-in SMSC simulator when the configuration asks for them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Doorbell } from './app/doorbell.ts';
import { type Clock, type OperatorLink, type Route, type ShortCode } from './app/ports.ts';
import { routingTableOf, type Router } from './app/route-message.ts';
import { routerFor } from './core/routing/index.ts';
import { buildHttpServer, type Api } from './adapters/http/server.ts';
import { createLogger } from './adapters/log.ts';
import { SmppLink } from './adapters/smpp-client/smpp-link.ts';
import { UcpLink } from './adapters/ucp-client/ucp-link.ts';
import { startUcpSimulator } from './adapters/simulator/ucp-simulator.ts';
import { startSmppSimulator } from './adapters/simulator/smpp-simulator.ts';
import { PgAccountStore, senderOf } from './adapters/store/account-store.ts';
import { PgConsentStore } from './adapters/store/consent-store.ts';
import { PgMoStore } from './adapters/store/mo-store.ts';
import { PgContactStore } from './adapters/store/contact-store.ts';
import { PgCampaignStore } from './adapters/store/campaign-store.ts';
import type { CampaignDeps } from './app/campaigns.ts';
import { CampaignRunner } from './app/run-campaigns.ts';
import { receiveMo, type MoDeps } from './app/receive-mo.ts';
import type { SubmitDeps } from './app/submit-messages.ts';
import { databaseProblem, type Db } from './adapters/store/database.ts';
import { PgMessageStore } from './adapters/store/message-store.ts';
import { PgOutboxStore } from './adapters/store/outbox-store.ts';
import { PgBillingStore, settleBilling } from './adapters/store/billing-store.ts';
import { invoicingFrom } from './adapters/store/invoice-store.ts';
import { PgAlarmStore } from './adapters/store/alarm-store.ts';
import { PgOperatorCostStore } from './adapters/store/operator-cost-store.ts';
import { runAlarms, type AlarmDeps } from './app/billing-alarms.ts';
import { PgRouteStore } from './adapters/store/route-store.ts';
import { PgStatisticsStore } from './adapters/store/statistics-store.ts';
import { PgWebhookStore } from './adapters/store/webhook-store.ts';
import { PgAuditStore } from './adapters/store/audit-store.ts';
import { PgEmailStore } from './adapters/store/email-store.ts';
import { startSmtpDoor } from './adapters/smtp/smtp-door.ts';
import { PgSmppAccountStore } from './adapters/store/smpp-account-store.ts';
import { SmppServer } from './adapters/smpp-server/server.ts';
import { WebhookSender } from './adapters/webhooks/sender.ts';
import { WebhookTargets } from './adapters/webhooks/target.ts';
import type { Config, RouteConfig } from './config/schema.ts';
import { defaultRetryPolicy } from './core/message/retry.ts';
import { Dispatcher } from './dispatch/dispatcher.ts';
import { defaultDispatchOptions } from './dispatch/route-dispatcher.ts';
import { PgSignInStore } from './adapters/store/sign-in-store.ts';
import { createMailer } from './adapters/mail/mailer.ts';
import { PgIncidentStore } from './adapters/store/incident-store.ts';
import { generatePassword, hashPassword } from './app/passwords.ts';
import { PLATFORM_ACCOUNT, sendPlatformSms } from './app/platform-traffic.ts';
import { sendInvitation } from './app/sign-in.ts';
import type { SessionDeps } from './adapters/http/session-routes.ts';
import { PgUserStore } from './adapters/store/user-store.ts';
import { startNumbering } from './adapters/numbering-directory.ts';
import { OperatorLookupSimulator } from './adapters/operator-lookup/simulator.ts';
import { PgQualificationStore } from './adapters/store/qualification-store.ts';
import type { QualificationDeps } from './app/qualification.ts';
import type { GeoPresenceDeps } from './app/geo-presence.ts';
import { systemClock } from './adapters/clock.ts';
import { openStore } from './adapters/store/open-store.ts';
import { campaignTariff } from './core/pricing/index.ts';
import { LocationSimulator } from './adapters/location/simulator.ts';
import { PgGeoPresenceStore } from './adapters/store/geo-presence-store.ts';
import type { PeopleStore } from './adapters/http/people-routes.ts';
import { retentionParts } from './adapters/retention-parts.ts';
import { RetentionJob } from './app/retention.ts';
import { startMonitoring } from './adapters/monitoring/monitoring.ts';
import { observedJob } from './adapters/monitoring/metrics.ts';

/** The built-in SMSC simulator, when it runs. */
export interface BuiltInSimulator {
  readonly protocol: 'smpp' | 'ucp';
  readonly port: number;
  /** Sends an MO as a handset would; resolves once Relais acknowledged it. */
  sendMo(mo: { from: string; to: string; text: string }): Promise<void>;
  close(): Promise<void>;
}

export interface Relais {
  readonly config: Config;
  readonly db: Db;
  readonly log: Logger;
  /** Base URL of the HTTP API when the api role runs. */
  readonly httpUrl: string | undefined;
  readonly simulator: BuiltInSimulator | undefined;
  /** Port of the e-mail to SMS door (SMTP) when it runs (with the api role). */
  readonly smtpPort: number | undefined;
  /** Port of the SMPP server for clients when it runs (with the api role). */
  readonly smppServerPort: number | undefined;
  /** Set when this start created the first account: its API key, shown once. */
  readonly bootstrapApiKey: string | undefined;
  /** Set when this start created the first account: the aggregator's first key (provisioning routes), shown once. */
  readonly aggregatorApiKey: string | undefined;
  /** Set when this start created the first account: the first sign-ins (admin@localhost, demo@localhost), shown once. */
  readonly firstSignIns: FirstSignIn[] | undefined;
  /** Where mails are written when no SMTP relay is configured (undefined: they are sent). */
  readonly mailOutbox: string | undefined;
  /** Port of the Prometheus metrics listener when monitoring.metrics is enabled. */
  readonly metricsPort?: number | undefined;
  stop(): Promise<void>;
}

export async function startRelais(config: Config, options: { log?: Logger; clock?: Clock } = {}): Promise<Relais> {
  const log = options.log ?? createLogger(config.log.level);
  const clock = options.clock ?? systemClock;
  /** What was started, to stop in reverse order. */
  const stops: { what: string; stop: () => Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const { what, stop } of stops.reverse()) {
      log.debug({ what }, 'stopping');
      await stop().catch((error) => log.error({ what, err: error }, 'error while stopping'));
    }
  };
  try {
    const { db, embedded } = await openStore(config, log);
    if (embedded) stops.push({ what: 'embedded PostgreSQL', stop: () => embedded.stop() });
    stops.push({ what: 'database pool', stop: () => db.close() });

    const monitoring = await startMonitoring(config, db, clock, log);
    stops.push({ what: 'monitoring', stop: () => monitoring.stop() });

    const simulator = await startBuiltInSimulator(config, log);
    if (simulator) stops.push({ what: 'SMSC simulator', stop: () => simulator.close() });
    const { routes, shortCodes } = declaredRoutes(config, simulator);
    const routeStore = new PgRouteStore(db);
    await routeStore.sync(routes, shortCodes, clock.now());

    const { bootstrapApiKey, aggregatorApiKey, firstSignIns } = await bootstrapAccount(config, db, shortCodes, clock, log);
    const doorbell = new Doorbell();
    const messages = new PgMessageStore(db);
    const webhooks = new PgWebhookStore(db);
    const retention = retentionParts(config, db);
    const consents = new PgConsentStore(db, retention.pseudonyms);
    const accounts = new PgAccountStore(db);
    const knownShortCodes = new Map((await routeStore.shortCodes()).map((s) => [s.number, s]));
    // Each process keeps the numbering plan and the portability base in memory (docs/operators.md): routing reads it.
    const numbering = startNumbering(db, () => clock.now(), log);
    stops.push({ what: 'numbering directory', stop: async () => numbering.directory.stop() });
    const routingTable = routingTableOf(config.routing, await routeStore.routes(), [...knownShortCodes.values()]);
    const route: Router = routerFor(routingTable, numbering.directory.operatorOf);
    const submit: SubmitDeps = { store: messages, consents, shortCodes: () => knownShortCodes, notify: () => doorbell.ring(), route };
    const moStore = new PgMoStore(db);
    const moDeps: MoDeps = { store: moStore, consents, findAccount: (id) => accounts.findById(id), submit, clock, log };
    const contacts = new PgContactStore(db, retention.pseudonyms);
    const campaigns = new PgCampaignStore(db);
    // Géo Présence (docs/operators.md): the location provider is the simulator, the only implementation shipped.
    const geoPresence: GeoPresenceDeps = { provider: new LocationSimulator(config.geoPresence.simulator), store: new PgGeoPresenceStore(db), clock, batch: config.geoPresence.batch };
    const campaignDeps: CampaignDeps = { campaigns, contacts, submit, clock, tariff: campaignTariff(config.campaigns.tariff), geoPresence: geoPresence.store };

    let dispatcher: Dispatcher | undefined;
    // The alarms run with the billing sweep, once the mailer and the platform's SMS exist (set below).
    let alarmDeps: (AlarmDeps & { store: PgAlarmStore }) | undefined;
    if (config.roles.includes('dispatcher')) {
      dispatcher = new Dispatcher({
        store: new PgOutboxStore(db, log),
        routes: routeStore,
        openLink: (route) => openLink(route, log),
        clock,
        monotonicMs: () => performance.now(),
        log,
        doorbell,
        receiptSweepMs: config.dispatcher.receiptSweepMs,
        onMobileOriginated: (route, mo) => receiveMo(moDeps, route, mo),
        monitor: monitoring.dispatchMonitor,
        billingSweep: {
          everyMs: config.billing.sweepMs,
          run: observedJob(monitoring.metrics, 'billing-sweep', async (now) => ({
            ...(await settleBilling(db, now, config.billing.noReceiptAfterHours * 3_600_000)),
            ...(alarmDeps ? await runAlarms(alarmDeps, now) : {}),
          })),
        },
        options: {
          ...defaultDispatchOptions,
          owner: `${process.pid}-${randomUUID()}`,
          pollIntervalMs: config.dispatcher.pollIntervalMs,
          claimBatchMax: config.dispatcher.claimBatchMax,
          throttleWindowMs: 1_000 + config.dispatcher.throttleMarginMs,
          leaseTtlMs: config.dispatcher.leaseTtlMs,
          leaseRenewMs: Math.floor(config.dispatcher.leaseTtlMs / 3),
          retry: { ...defaultRetryPolicy, maxAttempts: config.dispatcher.maxAttempts },
          failoverAfterMs: config.routing.failoverAfterMs,
        },
      });
      const started = dispatcher;
      await started.start();
      stops.push({ what: 'dispatcher', stop: () => started.stop() });
    }

    // Qualification (docs/operators.md): the simulator takes its operators from the numbering directory.
    const qualification: QualificationDeps = {
      lookup: new OperatorLookupSimulator({ ...config.qualification.simulator, operatorOf: numbering.directory.operatorOf }),
      store: new PgQualificationStore(db),
      contacts,
      clock,
      ttlDays: config.qualification.ttlDays,
      batch: config.qualification.batch,
    };

    if (config.roles.includes('campaigns')) {
      const { tariff: _, ...options } = config.campaigns;
      const findSender = async (id: string) => {
        const account = await accounts.findById(id);
        return account && senderOf(account);
      };
      const runner = new CampaignRunner({ ...campaignDeps, campaigns, contacts, findSender, log, qualification, locating: geoPresence }, options);
      runner.start();
      stops.push({ what: 'campaign runner', stop: () => runner.stop() });
    }

    if (config.roles.includes('retention')) {
      const job = new RetentionJob({ store: retention.store, clock, log }, config.retention.everyMs);
      job.start();
      stops.push({ what: 'retention job', stop: () => job.stop() });
    }

    const webhookTargets = new WebhookTargets(config.webhooks.allowTargets);
    if (config.roles.includes('webhooks')) {
      const sender = new WebhookSender(webhooks, clock, log, { ...config.webhooks, pollIntervalMs: 500 }, webhookTargets);
      sender.start();
      stops.push({ what: 'webhook sender', stop: () => sender.stop() });
    }

    const mailer = createMailer({ ...config.mail, outboxDir: config.mail.outboxDir ?? path.join(config.database.dataDir, 'outbox') });
    const platformSender = async (now: Date) => {
      const existing = await accounts.findByName(PLATFORM_ACCOUNT);
      if (existing) return senderOf(existing);
      // Two processes may create it at once: the loser reads the winner's.
      const created = await accounts.createAccount({ name: PLATFORM_ACCOUNT, defaultShortCode: [...knownShortCodes.keys()][0] ?? null }, now).catch(() => accounts.findByName(PLATFORM_ACCOUNT));
      if (!created) throw new Error(`the platform's account "${PLATFORM_ACCOUNT}" could not be created`);
      return senderOf(created);
    };
    const audit = new PgAuditStore(db);
    const signIn: SessionDeps = {
      store: new PgSignInStore(db),
      clock,
      audit,
      mailer,
      sendSms: async (to, text) => void (await sendPlatformSms({ platformSender, submit, clock }, to, text)),
      publicUrl: config.portal.publicUrl ?? '',
      findAccount: (id) => accounts.findById(id),
    };

    alarmDeps = { store: new PgAlarmStore(db), mailer, sendSms: signIn.sendSms, accountName: async (id) => (await accounts.findById(id))?.name ?? id, released: () => doorbell.ring(), log };

    let httpUrl: string | undefined;
    if (config.roles.includes('api')) {
      const api: Api = await buildHttpServer({
        findCallerByApiKey: (key) => accounts.findCallerByApiKey(key),
        accounts,
        people: { ...peopleStore(accounts, new PgUserStore(db)), onUserCreated: (user) => sendInvitation(signIn, user.id) },
        simulator,
        portalDir: path.resolve(import.meta.dirname, '..', 'dist', 'web'),
        messages,
        webhooks,
        webhookTargets,
        consents,
        inbound: moStore,
        contacts,
        campaigns: campaignDeps,
        audit,
        submit,
        clock,
        logger: log,
        readiness: () => databaseProblem(db),
        signIn,
        trustProxy: config.http.trustProxy,
        statistics: new PgStatisticsStore(db),
        routes: routeStore,
        links: () => dispatcher?.links() ?? [],
        incidents: { store: new PgIncidentStore(db), clock, mailer, supportAddress: config.mail.supportAddress, publicUrl: config.portal.publicUrl, log },
        billing: new PgBillingStore(db, invoicingFrom(config.billing)),
        alarms: alarmDeps,
        operatorCosts: new PgOperatorCostStore(db),
        retention: { store: retention.store, gdpr: retention.gdpr },
        reports: monitoring.reports,
        metrics: monitoring.metrics,
        numbering: numbering.deps,
        qualification,
        geoPresence,
        doors: { smpp: new PgSmppAccountStore(db), email: new PgEmailStore(db) },
      });
      await api.listen({ host: config.http.host, port: config.http.port });
      const address = api.server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      httpUrl = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
      signIn.publicUrl ||= httpUrl;
      stops.push({ what: 'HTTP API', stop: () => closeHttp(api) });
      monitoring.doorOpen('http');
      log.info({ url: httpUrl, docs: `${httpUrl}/docs` }, 'HTTP API listening');
    }

    let smppServerPort: number | undefined;
    if (config.roles.includes('api') && config.smppServer.enabled) {
      const { enabled: _, ...smppOptions } = config.smppServer;
      const smppServer = new SmppServer(
        smppOptions,
        { credentials: new PgSmppAccountStore(db), findAccount: (id) => accounts.findById(id), submit, clock, log },
      );
      smppServerPort = await smppServer.listen();
      stops.push({ what: 'SMPP server', stop: () => smppServer.close() });
      monitoring.doorOpen('smpp');
      log.info({ host: smppOptions.host, port: smppServerPort, tlsPort: smppServer.tlsPort }, 'SMPP server for clients listening');
    }

    let smtpPort: number | undefined;
    if (config.roles.includes('api') && config.smtp.enabled) {
      const { enabled: _, ...smtpOptions } = config.smtp;
      const smtp = await startSmtpDoor(smtpOptions, { accounts, email: new PgEmailStore(db), submit, clock, log });
      smtpPort = smtp.port;
      stops.push({ what: 'SMTP door', stop: () => smtp.close() });
      monitoring.doorOpen('smtp');
    }

    let stopped: Promise<void> | undefined;
    return { config, db, log, httpUrl, simulator, smppServerPort, smtpPort, bootstrapApiKey, aggregatorApiKey, firstSignIns, mailOutbox: mailer.outboxDir, metricsPort: monitoring.metricsPort, stop: () => (stopped ??= stopAll()) };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Stops taking requests and lets those in progress finish; a client that does not read its response (or a
 * request that does not finish) cannot hold the shutdown longer than a few seconds.
 */
async function closeHttp(api: Api): Promise<void> {
  const force = setTimeout(() => api.server.closeAllConnections(), 3_000);
  const closing = api.close();
  api.server.closeIdleConnections();
  await closing;
  clearTimeout(force);
}

/** The simulator runs when asked, or by default when no operator route is configured (a newcomer's first start). */
async function startBuiltInSimulator(config: Config, log: Logger): Promise<BuiltInSimulator | undefined> {
  const { enabled, protocol, port, receiptDelayMs, deliveredRatio } = config.simulator;
  if (!(enabled ?? (config.routes.length === 0 && !config.orange))) return undefined;
  const simulator =
    protocol === 'ucp'
      ? await startUcpSimulator({ port, notificationDelayMs: receiptDelayMs, deliveredRatio, keepBodies: false })
      : await startSmppSimulator({ port, receiptDelayMs, deliveredRatio, keepBodies: false });
  log.info({ port: simulator.port, protocol }, 'built-in SMSC simulator listening on 127.0.0.1');
  return { protocol, port: simulator.port, sendMo: (mo) => simulator.sendMo(mo), close: () => simulator.close() };
}

const SIMULATOR_PASSWORD = 'relais';

function declaredRoutes(config: Config, simulator: BuiltInSimulator | undefined): { routes: Route[]; shortCodes: ShortCode[] } {
  const routes = config.routes.map(routeFromConfig);
  const shortCodes: ShortCode[] = [...config.shortCodes];
  if (simulator) {
    // A UCP session logs in as its short code, as Orange's do.
    const systemId = simulator.protocol === 'ucp' ? config.simulator.shortCode : 'relais';
    routes.push({ name: 'simulator', protocol: simulator.protocol, host: '127.0.0.1', port: simulator.port, systemId, password: SIMULATOR_PASSWORD, settings: { window: 100 } });
    if (shortCodes.length === 0) shortCodes.push({ number: config.simulator.shortCode, route: 'simulator', ratePerSecond: config.simulator.ratePerSecond });
  }
  return { routes, shortCodes };
}

function routeFromConfig(route: RouteConfig): Route {
  if (route.protocol === 'ucp') {
    const { name, protocol, host, port, login, password, operator, subscribersOnly, ...settings } = route;
    return { name, protocol, host, port, systemId: login, password, settings, operator, subscribersOnly };
  }
  const { name, protocol, host, port, systemId, password, operator, subscribersOnly, ...settings } = route;
  return { name, protocol, host, port, systemId, password, settings, operator, subscribersOnly };
}

/** The link of a route, whatever its protocol: the dispatcher cannot tell them apart. */
function openLink(route: Route, log: Logger): OperatorLink {
  const { name, host, port, password, settings } = route;
  const common = {
    name,
    host,
    port,
    password,
    window: settings.window ?? 10,
    responseTimeoutMs: settings.responseTimeoutMs ?? 10_000,
    ...definedOnly({ restartAfterUnanswered: settings.restartAfterUnanswered }),
    logger: log.child({ route: name }),
  };
  if (route.protocol === 'ucp') {
    return new UcpLink({
      ...common,
      login: route.systemId,
      ...definedOnly({
        keepAliveIntervalMs: settings.keepAliveIntervalMs,
        loginTon: settings.loginTon,
        loginNpi: settings.loginNpi,
        internationalPrefix: settings.internationalPrefix,
        bufferedNotifications: settings.bufferedNotifications,
        expiredReasons: settings.expiredReasons,
      }),
    });
  }
  return new SmppLink({
    ...common,
    systemId: route.systemId,
    ...definedOnly({ systemType: settings.systemType }),
    enquireLinkIntervalMs: settings.enquireLinkIntervalMs ?? 30_000,
  });
}

/** The same object without its undefined fields (optional options stay absent, as exactOptionalPropertyTypes wants). */
function definedOnly<T extends object>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/**
 * A newcomer's first start: with no account at all, create "demo" on the first short code and an aggregator key
 * (the provisioning routes), and show both keys once (also written, readable by the owner only, under the data
 * directory: demo-api-key, aggregator-api-key).
 */
async function bootstrapAccount(
  config: Config,
  db: Db,
  shortCodes: ShortCode[],
  clock: Clock,
  log: Logger,
): Promise<{ bootstrapApiKey: string | undefined; aggregatorApiKey: string | undefined; firstSignIns: FirstSignIn[] | undefined }> {
  const accounts = new PgAccountStore(db);
  if ((await accounts.listAccounts()).length > 0) return { bootstrapApiKey: undefined, aggregatorApiKey: undefined, firstSignIns: undefined };
  const account = await accounts.createAccount({ name: 'demo', defaultShortCode: shortCodes[0]?.number ?? null }, clock.now());
  const bootstrapApiKey = await accounts.createApiKey(account.id, 'bootstrap', clock.now());
  const aggregatorApiKey = await accounts.createAggregatorKey('bootstrap', clock.now());
  mkdirSync(config.database.dataDir, { recursive: true });
  for (const [name, key] of [['demo-api-key', bootstrapApiKey], ['aggregator-api-key', aggregatorApiKey]] as const) {
    writeFileSync(path.join(config.database.dataDir, name), key + '\n', { mode: 0o600 });
  }
  const firstSignIns = await bootstrapUsers(config, db, account.id, clock);
  log.info({ account: 'demo', dataDir: config.database.dataDir }, 'created the first account, an aggregator key and the first sign-ins; they are printed once');
  return { bootstrapApiKey, aggregatorApiKey, firstSignIns };
}

/** A sign-in created at first start: e-mail, generated password, and the file it is saved in. */
export interface FirstSignIn {
  email: string;
  password: string;
  role: string;
  file: string;
}

/**
 * The first sign-ins (docs/accounts.md, "The first sign-in"): admin@localhost, the aggregator's operator-admin, and
 * demo@localhost, the demo account's administrator, each with a generated password saved (owner-readable only)
 * in the data directory: admin-password, demo-password.
 */
async function bootstrapUsers(config: Config, db: Db, demoAccountId: string, clock: Clock): Promise<FirstSignIn[]> {
  const store = new PgSignInStore(db);
  const made: FirstSignIn[] = [];
  const first = [
    { email: 'admin@localhost', name: 'Administrateur Relais', accountId: null, staffRole: 'operator-admin' as const, administrator: false, role: 'aggregator, operator-admin', file: 'admin-password' },
    { email: 'demo@localhost', name: 'Démo', accountId: demoAccountId, staffRole: null, administrator: true, role: 'administrator of account "demo"', file: 'demo-password' },
  ];
  for (const { role, file, ...user } of first) {
    if (await store.findUserByEmail(user.email)) continue;
    const password = generatePassword();
    await store.createUser({ ...user, language: 'fr', rights: [], brands: null, passwordHash: await hashPassword(password) }, clock.now());
    const saved = path.join(config.database.dataDir, file);
    writeFileSync(saved, password + '\n', { mode: 0o600 });
    made.push({ email: user.email, password, role, file: saved });
  }
  return made;
}

/** The account's keys (the account store) and users (the user store), as the people routes use them. */
function peopleStore(accounts: PgAccountStore, users: PgUserStore): PeopleStore {
  return {
    createApiKeyWithId: (...a) => accounts.createApiKeyWithId(...a),
    listApiKeys: (id) => accounts.listApiKeys(id),
    revokeApiKeyById: (...a) => accounts.revokeApiKeyById(...a),
    createUser: (...a) => users.createUser(...a),
    listUsers: (id) => users.listUsers(id),
    findUser: (...a) => users.findUser(...a),
    updateUser: (...a) => users.updateUser(...a),
    transferAdministrator: (...a) => users.transferAdministrator(...a),
  };
}
