/**
 * Monitoring as one process wires it (docs/monitoring.md): the availability recorder (this node's routes and doors,
 * with a heartbeat), the Prometheus metrics and their admin listener, and what the reports read.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { DispatchMonitor } from '../../app/monitoring.ts';
import type { Clock } from '../../app/ports.ts';
import type { ReportDeps } from '../../app/reports.ts';
import type { Config } from '../../config/schema.ts';
import { PgAvailabilityStore } from '../store/availability-store.ts';
import type { Db } from '../store/database.ts';
import { metricsQueries } from '../store/metrics-queries.ts';
import { PgTrafficStore } from '../store/traffic-store.ts';
import { addMonths, monthOf } from '../../core/reports/months.ts';
import { AvailabilityRecorder, defaultRecorderOptions } from './availability-recorder.ts';
import { Metrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';

export type Door = 'http' | 'smpp' | 'smtp';

export interface Monitoring {
  recorder: AvailabilityRecorder;
  /** Absent when metrics are not enabled. */
  metrics: Metrics | undefined;
  metricsPort: number | undefined;
  dispatchMonitor: DispatchMonitor;
  reports: ReportDeps;
  /** A door of this process is open (its stop is recorded when monitoring stops). */
  doorOpen(door: Door): void;
  stop(): Promise<void>;
}

export async function startMonitoring(config: Config, db: Db, clock: Clock, log: Logger): Promise<Monitoring> {
  const { node, heartbeatMs, metrics: metricsConfig } = config.monitoring;
  if (metricsConfig.enabled && !metricsConfig.token && !isLoopback(metricsConfig.host)) {
    throw new Error(`monitoring.metrics.host is ${metricsConfig.host}, not a loopback address: set monitoring.metrics.token, which every scrape must then send`);
  }
  const store = new PgAvailabilityStore(db);
  const recorder = new AvailabilityRecorder(store, clock, log, { ...defaultRecorderOptions, heartbeatMs, node: node ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}` });
  await recorder.start();
  const metrics = metricsConfig.enabled ? new Metrics({ queries: metricsQueries(db), subjects: () => recorder.states() }) : undefined;
  let server: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  try {
    if (metrics) {
      server = await startMetricsServer(metrics, metricsConfig);
      log.info({ host: metricsConfig.host, port: server.port, token: Boolean(metricsConfig.token) }, 'Prometheus metrics at /metrics');
    }
  } catch (error) {
    await recorder.stop();
    throw error;
  }
  // Last month's traffic is frozen soon after it ends, before retention can purge the messages it counts.
  const traffic = new PgTrafficStore(db);
  const freeze = () =>
    void traffic.month(addMonths(monthOf(clock.now()), -1), clock.now()).catch((error: unknown) => log.warn({ err: error }, 'could not freeze last month\'s traffic report; trying again in an hour'));
  const freezeTimer = setInterval(freeze, 3_600_000);
  freezeTimer.unref();
  freeze();
  const dispatchMonitor: DispatchMonitor = metrics ? metrics.dispatchMonitor(recorder) : { submitted: () => undefined, receipt: () => undefined, link: (route, state, reason) => recorder.record('route', route, state, reason) };
  return {
    recorder,
    metrics,
    metricsPort: server?.port,
    dispatchMonitor,
    reports: { availability: store, traffic, clock, nodeGraceMs: 2 * heartbeatMs },
    doorOpen: (door) => recorder.record('door', door, 'up'),
    stop: async () => {
      clearInterval(freezeTimer);
      await server?.close();
      await recorder.stop();
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
