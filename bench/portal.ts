/**
 * npm run bench:portal — the portal's budgets:
 * 1. its weight: the JavaScript a browser must download before the first page shows (the scripts and module
 *    preloads dist/web/index.html names), gzipped as a server would send it, and its CSS. Budget: initial
 *    JavaScript ≤ 250 kB gzipped.
 * 2. the Messages page with an account of --messages N messages (default 1,000,000): the API's answer to its first
 *    page (GET /v1/messages?limit=50, and filtered by status), p95 over --requests R requests each (default 200).
 *    Budget: p95 ≤ 300 ms. The dashboard's GET /v1/statistics/summary is timed too (reported, with the month's share
 *    of the messages). The messages are seeded by one INSERT … SELECT generate_series into a throwaway database
 *    (DATABASE_URL's server, or an embedded PostgreSQL), then VACUUM ANALYZE, as autovacuum would leave the table;
 *    Relais runs in this process (API role only) and is asked over HTTP on 127.0.0.1.
 * Exits 1 over a budget. Builds first (the npm script does). --messages 0 weighs the JavaScript only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createLogger } from '../src/adapters/log.ts';
import { PgAccountStore } from '../src/adapters/store/account-store.ts';
import { parseConfig } from '../src/config/load.ts';
import { startRelais } from '../src/main.ts';
import { benchDatabase } from './support.ts';

const { values: options } = parseArgs({ options: { messages: { type: 'string', default: '1000000' }, requests: { type: 'string', default: '200' } } });
const MESSAGES = Number(options.messages);
const REQUESTS = Number(options.requests);
const API_BUDGET_MS = 300;

const BUDGET_BYTES = 250 * 1024;
const dir = path.resolve(import.meta.dirname, '..', 'dist', 'web');
const html = readFileSync(path.join(dir, 'index.html'), 'utf8');

function assets(pattern: RegExp): string[] {
  return [...html.matchAll(pattern)].map((m) => m[1]!);
}

function weigh(files: string[]): { raw: number; gzipped: number } {
  let raw = 0;
  let gzipped = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(dir, file.replace(/^\//, '')));
    raw += bytes.length;
    gzipped += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzipped };
}

const scripts = [...assets(/<script[^>]+src="([^"]+)"/g), ...assets(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)];
const styles = assets(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g);
const js = weigh(scripts);
const css = weigh(styles);
const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;

console.log(`initial JavaScript  ${kB(js.gzipped)} gzipped (${kB(js.raw)} raw, ${scripts.length} file${scripts.length === 1 ? '' : 's'})  budget ${kB(BUDGET_BYTES)}`);
console.log(`CSS                 ${kB(css.gzipped)} gzipped (${kB(css.raw)} raw)`);
if (js.gzipped > BUDGET_BYTES) {
  console.error('over budget');
  process.exitCode = 1;
}

if (MESSAGES > 0) await messagesPage();

async function messagesPage(): Promise<void> {
  const database = await benchDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-bench-portal-'));
  const relais = await startRelais(
    parseConfig({ roles: ['api'], http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' }, database: { url: database.url, dataDir, maxConnections: 8 } }),
    { log: createLogger('silent') },
  );
  try {
    const accounts = new PgAccountStore(relais.db);
    const account = await accounts.createAccount({ name: 'bench', defaultShortCode: relais.config.simulator.shortCode }, new Date());
    const key = await accounts.createApiKey(account.id, null, new Date());
    const seeded = performance.now();
    // Spread over the last 40 days (so "this month" holds a share of them), newest last; 90 % delivered, 4 %
    // undeliverable, 2 % suppressed, 2 % submitted, 1 % failed, 1 % queued for later.
    await relais.db.pool.query(
      `INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, status,
                             due_at, created_at, updated_at, brand, error_code, done_at)
       SELECT gen_random_uuid(), $1, '336' || lpad((10000000 + g % 89999999)::text, 8, '0'), $2, $2,
              CASE WHEN g % 3 = 0 THEN 'marketing' ELSE 'transactional' END, 1,
              'Bonjour, votre commande n° ' || g || ' est prête. STOP au ' || $2, 'gsm7', 1,
              s.status, t.at, t.at, t.at, 'bench', CASE WHEN s.status IN ('undeliverable', 'failed') THEN 'E' || (g % 7) END,
              CASE WHEN s.status IN ('delivered', 'undeliverable', 'suppressed', 'failed') THEN t.at END
       FROM generate_series(1, $3::int) g
       CROSS JOIN LATERAL (SELECT now() - make_interval(secs => ($3::int - g) * (40 * 86400.0 / $3::int)) AS at) t
       CROSS JOIN LATERAL (SELECT CASE WHEN g % 100 < 90 THEN 'delivered' WHEN g % 100 < 94 THEN 'undeliverable' WHEN g % 100 < 96 THEN 'suppressed'
                                       WHEN g % 100 < 98 THEN 'submitted' WHEN g % 100 < 99 THEN 'failed' ELSE 'queued' END AS status) s`,
      [account.id, relais.config.simulator.shortCode, MESSAGES],
    );
    await relais.db.pool.query('VACUUM ANALYZE messages');
    console.log(`seeded ${MESSAGES.toLocaleString('en')} messages in ${((performance.now() - seeded) / 1000).toFixed(1)} s (${database.label})`);

    const ask = async (query: string): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${relais.httpUrl}${query}`, { headers: { authorization: `Bearer ${key}` } });
      if (response.status !== 200) throw new Error(`${query} answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
      return performance.now() - started;
    };
    const timed = async (label: string, query: string, budget?: number) => {
      for (let i = 0; i < 5; i++) await ask(query); // warm-up: connections, prepared plans
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) times.push(await ask(query));
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
      const over = budget !== undefined && at(0.95) > budget;
      console.log(`${label.padEnd(44)} p50 ${at(0.5).toFixed(1)} ms  p95 ${at(0.95).toFixed(1)} ms  max ${at(1).toFixed(1)} ms${budget === undefined ? '' : `  budget p95 ≤ ${budget} ms${over ? '  OVER' : ''}`}`);
      if (over) process.exitCode = 1;
    };
    await timed('GET /v1/messages?limit=50 (first page)', '/v1/messages?limit=50', API_BUDGET_MS);
    await timed('GET /v1/messages?limit=50&status=failed (1 %)', '/v1/messages?limit=50&status=failed', API_BUDGET_MS);
    await timed('GET /v1/messages?limit=50&status=delivered', '/v1/messages?limit=50&status=delivered', API_BUDGET_MS);
    const { rows } = await relais.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE created_at >= date_trunc('month', now() AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris'`);
    await timed(`GET /v1/statistics/summary (${rows[0]!.n.toLocaleString('en')} this month)`, '/v1/statistics/summary');
  } finally {
    await relais.stop();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
