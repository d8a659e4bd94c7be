/**
 * npm run bench:routing — the operator of a number (docs/operators.md).
 *
 * 1. In the core: a numbering plan shaped like the regulator's (about 70,000 ranges, nested blocks, overseas
 *    included) and RELAIS_BENCH_MEMORY_PORTS ported numbers in memory (default 20,000,000); times building them,
 *    measures the memory of the ported numbers, then times operatorOf over a million different numbers
 *    (half of them ported), several rounds; then routing decisions (core/routing) with that lookup over the same numbers.
 * 2. In the store: imports a generated full portability file of RELAIS_BENCH_PORTS lines (default 2,000,000;
 *    set 20000000 for the issue's scale), then a 1 % delta, then loads the base back into memory as every process
 *    does after an import. Rates are reported with their extrapolation to 20,000,000 lines.
 * Uses DATABASE_URL when set, otherwise an embedded PostgreSQL.
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate, openDatabase } from '../src/adapters/store/database.ts';
import { PgNumberingStore } from '../src/adapters/store/numbering-store.ts';
import { NumberingPlan, OperatorDirectory, PortabilityBuilder, type NumberRange } from '../src/core/numbering/index.ts';
import { decideRoute, routerFor, type RoutableRoute, type RoutingTable } from '../src/core/routing/index.ts';
import { benchDatabase, fmt } from './support.ts';

const MEMORY_PORTS = Number(process.env.RELAIS_BENCH_MEMORY_PORTS ?? 20_000_000);
const FILE_PORTS = Number(process.env.RELAIS_BENCH_PORTS ?? 2_000_000);
const TARGET = 20_000_000;
const OPERATORS = ['ORAN', 'SFR0', 'BOUY', 'FRTE', 'OCAR', 'SRR', 'DIGI', 'LYCA', 'TRAN', 'NRJM', 'COR1', 'SYMA'];
const seconds = (from: number) => (performance.now() - from) / 1000;
const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

/**
 * CPU seconds used so far by each PostgreSQL backend connected to the bench's database, by pid (from /proc: the
 * server must run on this machine; otherwise an empty map and −1 overall).
 */
async function backendCpu(db: ReturnType<typeof openDatabase>, url: string): Promise<Map<number, number>> {
  const name = new URL(url).pathname.slice(1);
  const { rows } = await db.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
  const ticks = 100; // USER_HZ
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / ticks);
    } catch {
      return new Map([[-1, -1]]);
    }
  }
  return cpu;
}

/** A deterministic pseudo-random sequence (the same run every time). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Ranges shaped like MAJNUM: fixed lines in blocks of 10,000, mobiles in 06/07 blocks with nested sub-blocks, overseas. */
function generatedPlan(): NumberRange[] {
  const next = random(1);
  const pick = () => OPERATORS[Math.floor(next() * 8)]!;
  const ranges: NumberRange[] = [];
  for (let z = 1; z <= 5; z++) {
    for (let block = 0; block < 10_000; block++) {
      const prefix = `33${z}${String(block).padStart(4, '0')}`;
      ranges.push({ first: `${prefix}0000`, last: `${prefix}9999`, operator: pick() });
    }
  }
  for (let ab = 600; ab < 800; ab++) {
    if ([639, 690, 691, 692, 693, 694, 696, 697].includes(ab)) continue;
    ranges.push({ first: `33${ab}000000`, last: `33${ab}999999`, operator: pick() });
    for (let pq = 0; pq < 100; pq += 3) ranges.push({ first: `33${ab}${String(pq).padStart(2, '0')}0000`, last: `33${ab}${String(pq).padStart(2, '0')}9999`, operator: pick() });
  }
  for (const [code, ab] of [['262', 639], ['590', 690], ['590', 691], ['262', 692], ['262', 693], ['594', 694], ['596', 696], ['596', 697]] as const) {
    ranges.push({ first: `${code}${ab}000000`, last: `${code}${ab}999999`, operator: OPERATORS[4 + Math.floor(next() * 3)]! });
  }
  return ranges;
}

/** The i-th ported number: metropolitan mobiles spread over 06 and 07, ascending with i. */
const portedKey = (i: number, count: number) => 33_600_000_000 + Math.floor((i * 199_999_999) / count);

console.log('# bench:routing — the operator of a number\n');

// 1. In the core.
let started = performance.now();
const { plan, problems } = NumberingPlan.build(generatedPlan());
console.log(`plan: ${fmt(plan.ranges)} ranges (${problems.length} refused) → ${fmt(plan.segments)} segments, built in ${seconds(started).toFixed(2)} s`);
global.gc?.();
const heapBefore = process.memoryUsage().arrayBuffers;
started = performance.now();
const builder = new PortabilityBuilder(OPERATORS, MEMORY_PORTS);
const next = random(2);
for (let i = 0; i < MEMORY_PORTS; i++) builder.add(portedKey(i, MEMORY_PORTS), Math.floor(next() * OPERATORS.length));
const ports = builder.finish();
const buildSeconds = seconds(started);
const arrayBytes = process.memoryUsage().arrayBuffers - heapBefore;
console.log(
  `ports in memory: ${fmt(ports.size)} numbers, ${(ports.bytes / 1e6).toFixed(0)} MB of typed arrays (${(ports.bytes / ports.size).toFixed(1)} bytes a number; array buffers grew by ${(arrayBytes / 1e6).toFixed(0)} MB), built in ${buildSeconds.toFixed(2)} s`,
);
const directory = new OperatorDirectory(plan, ports);
const QUERIES = 1_000_000;
const queries: string[] = [];
for (let i = 0; i < QUERIES; i++) {
  const ported = i % 2 === 0;
  const key = ported ? portedKey(Math.floor(next() * MEMORY_PORTS), MEMORY_PORTS) : 33_600_000_000 + Math.floor(next() * 200_000_000);
  queries.push(`+${i % 50 === 3 ? `590690${String(key).slice(-6)}` : key}`);
}
const sources = { ported: 0, range: 0, unknown: 0 };
for (const e164 of queries) sources[directory.operatorOf(e164).source]++;
/** Five timed rounds of `each` over the queries: the median and slowest rates by the wall clock, the median per CPU second. */
function timedRounds(each: (e164: string) => boolean): { median: number; slowest: number; perCpu: number } {
  const rounds: number[] = [];
  const cpuRounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    started = performance.now();
    const cpu = process.cpuUsage();
    let found = 0;
    for (let i = 0; i < QUERIES; i++) if (each(queries[i]!)) found++;
    rounds.push(QUERIES / seconds(started));
    const used = process.cpuUsage(cpu);
    cpuRounds.push(QUERIES / ((used.user + used.system) / 1e6));
    if (found === 0) throw new Error('nothing found');
  }
  rounds.sort((a, b) => a - b);
  cpuRounds.sort((a, b) => a - b);
  return { median: rounds[2]!, slowest: rounds[0]!, perCpu: cpuRounds[2]! };
}
const [cores, load] = [(await import('node:os')).availableParallelism(), (await import('node:os')).loadavg()[0]!];
const verdict = (r: { median: number; perCpu: number }) =>
  `  target ≥ 1,000,000/s: ${r.median >= 1_000_000 ? 'met by the wall clock' : r.perCpu >= 1_000_000 ? 'met per CPU second, not by the wall clock of this loaded machine' : 'NOT met'}\n`;
const lookups = timedRounds((e164) => directory.operatorOf(e164).operator !== undefined);
console.log(
  `operatorOf: ${fmt(Math.round(lookups.median))} lookups/s by the wall clock (median of 5 rounds of ${fmt(QUERIES)}; slowest ${fmt(Math.round(lookups.slowest))}/s), ` +
    `${fmt(Math.round(lookups.perCpu))}/s per CPU second — load average ${load.toFixed(1)} on ${cores} cores\n` +
    `  answers: ${fmt(sources.ported)} ported, ${fmt(sources.range)} from the range, ${fmt(sources.unknown)} unknown`,
);
console.log(verdict(lookups));

// Routing decisions (core/routing) with the operator lookup: an Orange route for Orange subscribers only, three
// operator rules, and every other number on the short code's next route.
const table: RoutingTable = {
  rules: [
    { operators: ['SFR0'], routes: ['sfr', 'bouygues'] },
    { operators: ['BOUY'], routes: ['bouygues', 'sfr'] },
    { operators: ['FRTE'], classes: ['transactional'], routes: ['free', 'sfr'] },
  ],
  routes: new Map<string, RoutableRoute>([
    ['orange-36001', { name: 'orange-36001', operator: 'ORAN', subscribersOnly: true }],
    ...['sfr', 'bouygues', 'free'].map((name): [string, RoutableRoute] => [name, { name }]),
  ]),
  shortCodeRoutes: new Map([['36001', ['orange-36001', 'sfr', 'bouygues', 'free']]]),
  unknownOperator: 'allow',
};
const lookUp = (e164: string) => directory.operatorOf(e164);
const routedTo: Record<string, number> = {};
for (const e164 of queries.slice(0, 100_000)) {
  const decision = decideRoute(table, { accountId: 'a', shortCode: '36001', class: 'transactional', recipient: e164 }, lookUp);
  const to = decision.kind === 'routed' ? decision.route : decision.code;
  routedTo[to] = (routedTo[to] ?? 0) + 1;
}
const router = routerFor(table, lookUp);
const decisions = timedRounds((e164) => router({ accountId: 'a', shortCode: '36001', class: 'transactional', recipient: e164 }).kind === 'routed');
const uncached = timedRounds((e164) => decideRoute(table, { accountId: 'a', shortCode: '36001', class: 'transactional', recipient: e164 }, lookUp).kind === 'routed');
console.log(
  `routing (routerFor, as intake runs it, with operatorOf): ${fmt(Math.round(decisions.median))} decisions/s by the wall clock (slowest ${fmt(Math.round(decisions.slowest))}/s), ` +
    `${fmt(Math.round(decisions.perCpu))}/s per CPU second; each decision computed afresh (decideRoute): ${fmt(Math.round(uncached.perCpu))}/s per CPU second\n` +
    `  routes of the first 100,000: ${Object.entries(routedTo).map(([route, n]) => `${route} ${fmt(n)}`).join(', ')}`,
);
console.log(verdict(decisions));

// 2. In the store.
const dir = mkdtempSync(path.join(tmpdir(), 'relais-bench-numbering-'));
const bench = await benchDatabase();
const db = openDatabase(bench.url);
try {
  await migrate(db);
  const store = new PgNumberingStore(db);
  const file = path.join(dir, 'ports.csv');
  started = performance.now();
  const out = createWriteStream(file);
  let chunk = 'msisdn;operator;date\n';
  const lineOf = random(3);
  for (let i = 0; i < FILE_PORTS; i++) {
    const national = String(portedKey(i, FILE_PORTS)).slice(2);
    chunk += `0${national};${OPERATORS[Math.floor(lineOf() * OPERATORS.length)]};2024-${String(1 + (i % 12)).padStart(2, '0')}-15\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  console.log(`${bench.label}: generated a portability file of ${fmt(FILE_PORTS)} lines in ${seconds(started).toFixed(1)} s`);

  started = performance.now();
  const nodeCpu = process.cpuUsage();
  const backendsBefore = await backendCpu(db, bench.url);
  const full = await store.importPorts(createReadStream(file, { highWaterMark: 1 << 20 }), false, { now: () => new Date() });
  const fullSeconds = seconds(started);
  const rate = full.taken / fullSeconds;
  const relaisCpu = cpuSeconds(process.cpuUsage(nodeCpu));
  const backendsAfter = await backendCpu(db, bench.url);
  const postgresCpu = [...backendsAfter].reduce((sum, [pid, after]) => sum + after - (backendsBefore.get(pid) ?? 0), 0);
  console.log(
    `full import: ${fmt(full.taken)} ports in ${fullSeconds.toFixed(1)} s = ${fmt(Math.round(rate))} lines/s ` +
      `(read, checked, COPYed into a new table, primary key built, swapped in one transaction); ${full.rejected} refused\n` +
      `  phases (ms): ${JSON.stringify(full.timings)}\n` +
      `  CPU: Relais ${relaisCpu.toFixed(1)} s, its PostgreSQL backend ${postgresCpu >= 0 ? `${postgresCpu.toFixed(1)} s` : 'not measured (server not on this machine)'} ` +
      `(parallel index workers not counted); load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`  at this rate ${fmt(TARGET)} lines would take ${(TARGET / rate).toFixed(0)} s (target ≤ 120 s)${FILE_PORTS >= TARGET ? '' : ' — an extrapolation: the index build grows as n log n and the table outgrows the cache'}`);

  const deltaLines = Math.max(1, Math.floor(FILE_PORTS / 100));
  const deltaFile = path.join(dir, 'delta.csv');
  let delta = 'msisdn;operator;date;action\n';
  for (let i = 0; i < deltaLines; i++) {
    const national = String(portedKey(i * 97 % FILE_PORTS, FILE_PORTS) + (i % 3 === 0 ? 1 : 0)).slice(2);
    delta += i % 5 === 0 ? `0${national};;2025-06-01;return\n` : `0${national};${OPERATORS[i % OPERATORS.length]};2025-06-01;port\n`;
  }
  writeFileSync(deltaFile, delta);
  started = performance.now();
  const applied = await store.importPorts(createReadStream(deltaFile), true, { now: () => new Date() });
  console.log(`delta: ${fmt(applied.taken)} lines in ${seconds(started).toFixed(2)} s (${JSON.stringify(applied.summary)})`);

  started = performance.now();
  const versions = await store.versions();
  const loaded = await store.loadPorts(versions.ports.rows);
  const loadSeconds = seconds(started);
  console.log(
    `load into memory (each process, after an import): ${fmt(loaded.size)} ports in ${loadSeconds.toFixed(1)} s = ${fmt(Math.round(loaded.size / loadSeconds))}/s; ` +
      `${fmt(TARGET)} would take about ${(TARGET / (loaded.size / loadSeconds)).toFixed(0)} s`,
  );
} finally {
  await db.close();
  await bench.drop();
  rmSync(dir, { recursive: true, force: true });
}
