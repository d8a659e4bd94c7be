/**
 * Billing from the command line (docs/billing.md): an account's price plan, its prepaid credit and top-ups, and the
 * month's usage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { usageOf } from '../adapters/http/billing-routes.ts';
import { closeMonth, invoicesOf, PgBillingStore } from '../adapters/store/billing-store.ts';
import { creditNoteDocument, invoiceDocument, invoicingFrom, issueCreditNote, statementOf } from '../adapters/store/invoice-store.ts';
import { billingMonth, planProblems, type Payment, type PricePlan } from '../core/billing/index.ts';
import { systemClock } from '../adapters/clock.ts';
import { configOption, fail, load, withStore } from './common.ts';

const euros = (microEuros: number) => `${(microEuros / 1_000_000).toFixed(2)} €`;

/** A decimal amount in euros (`12.5`, `0,04`) as integer micro-euros, refusing anything finer than a micro-euro. */
export function microEurosOf(text: string): number {
  const match = /^(\d+)(?:[.,](\d{1,6}))?$/.exec(text.trim());
  if (!match) fail(`"${text}" is not an amount in euros (e.g. 50 or 12.5)`);
  const amount = Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
  if (!Number.isSafeInteger(amount) || amount <= 0) fail(`"${text}" is not an amount above zero`);
  return amount;
}

export function registerBillingCommands(program: Command): void {
  const billing = program.command('billing').description("accounts' price plans, prepaid credit and usage (docs/billing.md)");

  billing
    .command('plan <account>')
    .description("print an account's price plan, or set it from a JSON file (--file) and how it pays (--payment)")
    .option('--file <plan.json>', 'the plan: {"grids": [...], "billed": "delivered"|"submitted", "noReceipt": "bill"|"free", "options": {...}, "events": [...]}')
    .addOption(new Option('--payment <how>', 'prepaid or postpaid').choices(['prepaid', 'postpaid']))
    .addOption(configOption())
    .action(async (name: string, opts: { file?: string; payment?: Payment; config?: string }) => {
      await withStore(load(opts.config), async (accounts, db) => {
        const account = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
        const store = new PgBillingStore(db);
        const current = await store.planOf(account.id);
        if (opts.file || opts.payment) {
          const plan = (opts.file ? JSON.parse(readFileSync(opts.file, 'utf8')) : current.plan) as PricePlan;
          const problems = planProblems(plan);
          if (problems.length > 0) fail(`the plan is not valid:\n${problems.map((p) => `  ${p.path || 'plan'}: ${p.message}`).join('\n')}`);
          await store.setPlan(account.id, plan, opts.payment ?? current.payment, 'cli', systemClock.now());
        }
        console.log(JSON.stringify(await store.planOf(account.id).then(({ plan, payment }) => ({ plan, payment })), null, 2));
      });
    });

  billing
    .command('close')
    .description('close a month: one invoice per postpaid account with something due, numbered without gaps; safe to run again')
    .requiredOption('--month <YYYY-MM>', 'the month, in Europe/Paris; it must be over')
    .addOption(configOption())
    .action(async (opts: { month: string; config?: string }) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) fail('--month must be YYYY-MM');
      const config = load(opts.config);
      await withStore(config, async (_accounts, db) => {
        const done = await closeMonth(db, opts.month, systemClock.now(), invoicingFrom(config.billing)).catch((error: Error) => fail(error.message));
        console.log(`${opts.month}: ${done.issued} invoice(s) issued, ${done.alreadyIssued} already issued, ${done.nothingDue} account(s) with nothing due`);
      });
    });

  billing
    .command('top-up <account> <euros>')
    .description("add to an account's prepaid credit, recorded with who and why")
    .requiredOption('--by <who>', 'who tops up')
    .requiredOption('--reason <why>', 'why: payment received, commercial gesture…')
    .addOption(configOption())
    .action(async (name: string, amount: string, opts: { by: string; reason: string; config?: string }) => {
      const config = load(opts.config);
      await withStore(config, async (accounts, db) => {
        const account = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
        const { balance, invoice } = await new PgBillingStore(db, invoicingFrom(config.billing)).topUp(account.id, microEurosOf(amount), opts.by, opts.reason, systemClock.now());
        console.log(`account ${name}: credit ${euros(balance)}${invoice ? `, invoice ${invoice}` : ''}`);
      });
    });

  billing
    .command('credit <account>')
    .description("print an account's prepaid credit and its latest movements")
    .addOption(configOption())
    .action(async (name: string, opts: { config?: string }) => {
      await withStore(load(opts.config), async (accounts, db) => {
        const account = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
        const credit = await new PgBillingStore(db).credit(account.id);
        console.log(`account ${name} (${credit.payment}): balance ${euros(credit.balance)}, reserved ${euros(credit.reserved)}, available ${euros(credit.available)}`);
        for (const m of credit.movements) console.log(`${m.at.toISOString()}\t${m.kind}\t${euros(m.amount)}\t${m.by ?? '-'}\t${m.reason ?? ''}`);
      });
    });

  billing
    .command('usage <account>')
    .description("print an account's usage of a month: parts by class, short code and state, the cost so far and the next tier")
    .option('--month <YYYY-MM>', 'the month, in Europe/Paris (default: the current one)')
    .addOption(configOption())
    .action(async (name: string, opts: { month?: string; config?: string }) => {
      await withStore(load(opts.config), async (accounts, db) => {
        const account = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
        const now = systemClock.now();
        if (opts.month && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) fail(`--month must be YYYY-MM`);
        console.log(JSON.stringify(await usageOf(new PgBillingStore(db), account.id, opts.month ?? billingMonth(now), now), null, 2));
      });
    });

  billing
    .command('invoice <number>')
    .description('print an invoice (F…) or a credit note (A…), or write it as a PDF (--pdf) or as Factur-X (--factur-x: EN 16931 CII in PDF/A-3)')
    .option('--pdf <file>', 'write the PDF there')
    .option('--factur-x <file>', 'write the Factur-X PDF/A-3 there')
    .addOption(configOption())
    .action(async (number: string, opts: { pdf?: string; facturX?: string; config?: string }) => {
      const config = load(opts.config);
      await withStore(config, async (_accounts, db) => {
        const settings = invoicingFrom(config.billing);
        const doc = await (number.startsWith('A') ? creditNoteDocument(db, number, undefined, settings) : invoiceDocument(db, number, undefined, settings)).catch((error: Error) => fail(error.message));
        // Loaded here only: the renderers weigh on every other command's start.
        if (opts.pdf) writeFileSync(opts.pdf, await (await import('../adapters/invoices/invoice-pdf.ts')).renderInvoicePdf(doc).catch((error: Error) => fail(error.message)));
        if (opts.facturX) writeFileSync(opts.facturX, await (await import('../adapters/invoices/factur-x.ts')).renderFacturX(doc).catch((error: Error) => fail(error.message)));
        if (opts.pdf || opts.facturX) console.log(`${number}: written to ${[opts.pdf, opts.facturX].filter(Boolean).join(' and ')}`);
        else console.log(JSON.stringify(number.startsWith('A') ? doc : { ...doc, issued: (await invoicesOf(db, { number }))[0] }, null, 2));
      });
    });

  billing
    .command('credit-note <invoice>')
    .description('issue a credit note (avoir) against an invoice, of an amount or of what remains of it: an issued invoice never changes')
    .requiredOption('--reason <why>', 'why: printed on the credit note')
    .option('--amount <euros>', 'excluding VAT, to the cent (default: what remains of the invoice)')
    .option('--by <who>', 'who issues it', 'cli')
    .addOption(configOption())
    .action(async (invoice: string, opts: { reason: string; amount?: string; by: string; config?: string }) => {
      const config = load(opts.config);
      const amount = opts.amount === undefined ? undefined : microEurosOf(opts.amount);
      if (amount !== undefined && amount % 10_000 !== 0) fail('--amount is to the cent');
      await withStore(config, async (_accounts, db) => {
        const note = await issueCreditNote(db, { invoiceNumber: invoice, amount, reason: opts.reason, by: opts.by, now: systemClock.now(), settings: invoicingFrom(config.billing) }).catch((error: Error) => fail(error.message));
        console.log(`credit note ${note.number} on invoice ${invoice}: ${euros(note.total)} excluding VAT, ${euros(note.totalWithVat)} including VAT`);
      });
    });

  billing
    .command('statement <account>')
    .description("print a prepaid account's statement of a month: credit at its start and end, top-ups (with their invoices) and charges")
    .option('--month <YYYY-MM>', 'the month, in Europe/Paris (default: the current one)')
    .addOption(configOption())
    .action(async (name: string, opts: { month?: string; config?: string }) => {
      if (opts.month && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) fail('--month must be YYYY-MM');
      await withStore(load(opts.config), async (accounts, db) => {
        const account = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
        const s = await statementOf(db, account.id, opts.month ?? billingMonth(systemClock.now()));
        console.log(`account ${name}, ${s.month}: opening ${euros(s.opening)}, topped up ${euros(s.toppedUp)}, charged ${euros(s.charged)}, adjusted ${euros(s.adjusted)}, closing ${euros(s.closing)}`);
        for (const m of s.movements) console.log(`${m.at.toISOString()}\t${m.kind}\t${euros(m.amount)}\t${m.by ?? '-'}\t${m.reason ?? ''}`);
        if (s.invoices.length > 0) console.log(`invoices: ${s.invoices.join(', ')}`);
      });
    });
}
