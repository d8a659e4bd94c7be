/**
 * The numbering plan and the portability base from the command line (docs/operators.md): import the regulator's
 * file of ranges, a full portability file or a daily delta (with a progress bar: tens of millions of lines), and
 * ask who serves a number. Running processes pick an import up within a second.
 */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { InvalidRequest } from '../app/errors.ts';
import { importNumbering, lookUpNumber, type NumberingDeps, type NumberingImport, type NumberingImportKind } from '../app/numbering.ts';
import { parseMsisdn } from '../core/numbers/index.ts';
import { numberKey, OperatorDirectory, PortabilityMap } from '../core/numbering/index.ts';
import { PgNumberingStore } from '../adapters/store/numbering-store.ts';
import type { Db } from '../adapters/store/database.ts';
import { systemClock } from '../adapters/clock.ts';
import { cliAudit, configOption, fail, load, withStore } from './common.ts';

/** Refused lines printed; all of them are kept (GET /v1/aggregator/numbering/imports/{id}). */
const REJECTS_PRINTED = 20;

export function registerNumberingCommands(program: Command): void {
  const numbering = program.command('numbering').description('the numbering plan and the portability base: who serves a number (docs/operators.md)');

  numbering
    .command('import-ranges <file>')
    .description("replace the numbering plan with the regulator's file of ranges (Arcep MAJNUM shape: EZABPQM;Tranche_Debut;Tranche_Fin;Mnémo;…)")
    .addOption(configOption())
    .action((file: string, opts: { config?: string }) => importFile(file, 'ranges', opts.config));

  numbering
    .command('import-ports <file>')
    .description('import the portability base (msisdn;operator;date): a full file replaces it; with --delta, lines may end with ;port or ;return')
    .option('--delta', 'a daily delta: adds, changes and removes ports instead of replacing the base')
    .addOption(configOption())
    .action((file: string, opts: { delta?: boolean; config?: string }) => importFile(file, opts.delta ? 'ports-delta' : 'ports', opts.config));

  numbering
    .command('lookup <msisdn>')
    .description('who serves a number now: the operator it was ported to, else the holder of its range')
    .addOption(configOption())
    .action(async (msisdn: string, opts: { config?: string }) => {
      await withStore(load(opts.config), async (_accounts, db) => {
        let e164: string;
        try {
          e164 = parseMsisdn(msisdn).e164;
        } catch (error) {
          fail((error as Error).message);
        }
        const answer = await lookUpNumber(await storeDirectory(db, [e164]), e164).catch(failOnInvalid);
        const holder = answer.rangeHolder ? `${answer.rangeHolder.operator}${answer.rangeHolder.name ? ` (${answer.rangeHolder.name})` : ''}` : 'none';
        const operator = answer.operator ? `${answer.operator}${answer.name ? ` (${answer.name})` : ''}` : 'unknown';
        console.log(`${answer.msisdn}: ${operator}, ${answer.source}${answer.portedOn ? ` since ${answer.portedOn}` : ''}; range holder ${holder}`);
      });
    });
}

async function importFile(file: string, kind: NumberingImportKind, configFile: string | undefined): Promise<void> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    fail(`cannot read ${file}`);
  }
  await withStore(load(configFile), async (_accounts, db) => {
    const bar = process.stderr.isTTY && size > 10_000_000 ? new SingleBar({ format: 'importing |{bar}| {percentage}% | {value}/{total} MB | {eta}s', hideCursor: true }, Presets.shades_classic) : undefined;
    bar?.start(Math.ceil(size / 1e6), 0);
    const started = performance.now();
    const done = await importNumbering(await storeDirectory(db), kind, createReadStream(file, { highWaterMark: 1 << 20 }), {
      fileName: path.basename(file),
      by: 'cli',
      onProgress: bar && ((bytes) => bar.update(Math.floor(bytes / 1e6))),
    }).catch(failOnInvalid);
    bar?.stop();
    await cliAudit(db, null)(`numbering.import-${kind === 'ranges' ? 'ranges' : 'ports'}`, { type: 'numbering-import', id: done.id }, { file: path.basename(file), lines: done.lines, taken: done.taken, rejected: done.rejected });
    printImport(done, (performance.now() - started) / 1000);
  });
}

function printImport(done: NumberingImport, seconds: number): void {
  const changes = Object.entries(done.summary).map(([name, count]) => `${name} ${count}`).join(', ');
  console.log(`${done.kind} import ${done.id}: ${done.lines} line(s), ${done.taken} taken, ${done.rejected} refused (${changes}) in ${seconds.toFixed(1)} s`);
  for (const reject of done.rejects.slice(0, REJECTS_PRINTED)) console.log(`  line ${reject.line}: ${reject.reason}`);
  if (done.rejected > REJECTS_PRINTED) console.log(`  … and ${done.rejected - REJECTS_PRINTED} more: GET /v1/aggregator/numbering/imports/${done.id}`);
}

/**
 * The numbering use cases for a one-off command: the plan loaded from the store (small); the ports of the numbers
 * asked about read by SQL, rather than loading the whole base for one answer.
 */
export async function storeDirectory(db: Db, numbers: readonly string[] = []): Promise<NumberingDeps> {
  const store = new PgNumberingStore(db);
  const ports: [string, string][] = [];
  for (const e164 of numbers) {
    const port = await store.portOf(numberKey(e164));
    if (port) ports.push([e164, port.operator]);
  }
  let directory = OperatorDirectory.empty;
  const refresh = async () => {
    const { plan, names } = await store.loadPlan();
    directory = new OperatorDirectory(plan, PortabilityMap.from(ports), names);
    return true;
  };
  await refresh();
  return {
    store,
    now: () => systemClock.now(),
    directory: {
      operatorOf: (e164) => directory.operatorOf(e164),
      rangeHolderOf: (e164) => directory.rangeHolderOf(e164),
      refresh,
      get figures() {
        return { ranges: directory.plan.ranges, ports: directory.ports.size, portBytes: directory.ports.bytes, loadedAt: undefined };
      },
    },
  };
}

function failOnInvalid(error: unknown): never {
  if (error instanceof InvalidRequest) fail(error.problems.map((p) => p.reason).join('; '));
  throw error;
}
