/**
 * The Prometheus metrics of one process (docs/monitoring.md). The send path only increments counters and observes
 * histograms (a few array writes each); everything that costs a query — queue depth, webhook backlog — is read when
 * Prometheus scrapes, at most once per scrape, with a time limit. Other parts of Relais add their own metrics to
 * `registry`, or report a periodic job's result with `jobRan`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AvailabilityLog, DispatchMonitor } from '../../app/monitoring.ts';
import type { ReceiptState, SubmitOutcome } from '../../app/ports.ts';
import type { SubjectStatus } from './availability-recorder.ts';

/** What a scrape reads from the database. */
export interface MetricsQueries {
  queueDepth(): Promise<{ shortCode: string; class: string; due: number; scheduled: number; submitting: number }[]>;
  webhookBacklog(): Promise<{ pending: number; due: number; oldestDueSeconds: number }>;
}

export interface MetricsSources {
  queries?: MetricsQueries | undefined;
  /** This process's view of its routes and doors. */
  subjects?: (() => SubjectStatus[]) | undefined;
  /** Node's process metrics (CPU, memory, event loop lag); on by default. */
  processMetrics?: boolean;
  /** A scrape's queries give up after this long. */
  queryTimeoutMs?: number;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600];

export class Metrics {
  readonly registry = new Registry();
  private readonly submits: Counter<'route' | 'short_code' | 'outcome'>;
  private readonly submitSeconds: Histogram<'route'>;
  private readonly receipts: Counter<'route' | 'state'>;
  private readonly receiptLag: Histogram<'route'>;
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly jobLastRun: Gauge<'job'>;
  private readonly jobResult: Gauge<'job' | 'what'>;
  private readonly jobFailures: Counter<'job'>;
  private readonly scrapeErrors: Counter<'source'>;

  constructor(sources: MetricsSources = {}) {
    const registers = [this.registry];
    const timeoutMs = sources.queryTimeoutMs ?? 2_000;
    if (sources.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'relais_' });
    this.submits = new Counter({ name: 'relais_submits_total', help: 'Submits to the SMSCs, by outcome (accepted, refused, in-doubt, not-sent)', labelNames: ['route', 'short_code', 'outcome'], registers });
    this.submitSeconds = new Histogram({ name: 'relais_submit_seconds', help: 'From writing a submit to its answer (or its time-out)', labelNames: ['route'], buckets: LATENCY_BUCKETS, registers });
    this.receipts = new Counter({ name: 'relais_receipts_total', help: 'Delivery receipts received, by state', labelNames: ['route', 'state'], registers });
    this.receiptLag = new Histogram({ name: 'relais_receipt_lag_seconds', help: 'From the final state the SMSC reports to the receipt reaching Relais', labelNames: ['route'], buckets: LAG_BUCKETS, registers });
    this.requestSeconds = new Histogram({ name: 'relais_http_request_seconds', help: 'HTTP API requests, by route pattern and status', labelNames: ['method', 'route', 'status'], buckets: LATENCY_BUCKETS, registers });
    this.jobLastRun = new Gauge({ name: 'relais_job_last_run_timestamp_seconds', help: 'When a periodic job (billing sweep, retention…) last finished', labelNames: ['job'], registers });
    this.jobResult = new Gauge({ name: 'relais_job_last_result', help: "What a periodic job's last run did, by what it counts", labelNames: ['job', 'what'], registers });
    this.jobFailures = new Counter({ name: 'relais_job_failures_total', help: 'Periodic job runs that failed', labelNames: ['job'], registers });
    this.scrapeErrors = new Counter({ name: 'relais_scrape_errors_total', help: 'Scrape-time reads that failed or took too long', labelNames: ['source'], registers });

    const subjects = sources.subjects;
    if (subjects) {
      new Gauge({
        name: 'relais_up',
        help: 'Routes (operator links) and doors this process serves: 1 up, 0 down',
        labelNames: ['kind', 'subject'],
        registers,
        collect() {
          this.reset();
          for (const s of subjects()) if (s.state !== 'stopped') this.set({ kind: s.kind, subject: s.subject }, s.state === 'up' ? 1 : 0);
        },
      });
    }

    const queries = sources.queries;
    if (queries) {
      const errors = this.scrapeErrors;
      const read = async <T>(source: string, ask: () => Promise<T>): Promise<T | undefined> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          return await Promise.race([ask(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))]);
        } catch {
          errors.inc({ source });
          return undefined;
        } finally {
          clearTimeout(timer);
        }
      };
      new Gauge({
        name: 'relais_queue_depth',
        help: 'Messages waiting in the outbox, by short code, class and state (due now, scheduled later, being submitted)',
        labelNames: ['short_code', 'class', 'state'],
        registers,
        async collect() {
          const rows = await read('queue', () => queries.queueDepth());
          this.reset();
          for (const r of rows ?? []) {
            this.set({ short_code: r.shortCode, class: r.class, state: 'due' }, r.due);
            this.set({ short_code: r.shortCode, class: r.class, state: 'scheduled' }, r.scheduled);
            this.set({ short_code: r.shortCode, class: r.class, state: 'submitting' }, r.submitting);
          }
        },
      });
      new Gauge({
        name: 'relais_webhook_backlog',
        help: 'Webhook deliveries not yet made: pending in all, due now, and the age in seconds of the oldest due one',
        labelNames: ['what'],
        registers,
        async collect() {
          const backlog = await read('webhooks', () => queries.webhookBacklog());
          this.reset();
          if (!backlog) return;
          this.set({ what: 'pending' }, backlog.pending);
          this.set({ what: 'due' }, backlog.due);
          this.set({ what: 'oldest_due_seconds' }, backlog.oldestDueSeconds);
        },
      });
    }
  }

  /** The dispatcher's monitor: counters here, link transitions to the availability log. */
  dispatchMonitor(availability?: AvailabilityLog): DispatchMonitor {
    return {
      submitted: (route: string, shortCode: string, outcome: SubmitOutcome['kind'], seconds: number) => {
        this.submits.inc({ route, short_code: shortCode, outcome });
        this.submitSeconds.observe({ route }, seconds);
      },
      receipt: (route: string, state: ReceiptState, lagSeconds: number | undefined) => {
        this.receipts.inc({ route, state });
        if (lagSeconds !== undefined) this.receiptLag.observe({ route }, lagSeconds);
      },
      link: (route, state, reason) => availability?.record('route', route, state, reason),
    };
  }

  /** One HTTP request answered (route: the route's pattern, never the raw URL, so that labels stay few). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requestSeconds.observe({ method, route, status: String(status) }, seconds);
  }

  /** A periodic job finished: when, and its counts (e.g. the billing sweep's, the retention run's). */
  jobRan(job: string, result: Record<string, number>, at: Date): void {
    this.jobLastRun.set({ job }, at.getTime() / 1000);
    for (const [what, n] of Object.entries(result)) this.jobResult.set({ job, what }, n);
  }

  jobFailed(job: string): void {
    this.jobFailures.inc({ job });
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The job's runs reported to the metrics (last run, counts, failures), the job itself unchanged. */
export function observedJob<R extends Record<string, number>>(metrics: Metrics | undefined, job: string, run: (now: Date) => Promise<R>): (now: Date) => Promise<R> {
  if (!metrics) return run;
  return async (now) => {
    try {
      const result = await run(now);
      metrics.jobRan(job, result, now);
      return result;
    } catch (error) {
      metrics.jobFailed(job);
      throw error;
    }
  };
}
