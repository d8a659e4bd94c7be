/**
 * The portal in a real Chromium (Debian's, driven by playwright-core) against a real Relais on a test database:
 * a person signs in, sends, watches the message reach "délivré", imports a file with a bad row and downloads the
 * rejected rows, runs a campaign, and signs out; a user with only "statistics" sees no Send page and the API
 * refuses them. Each test leaves a screenshot of its last page in test-results/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { generate as totpCode } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/app/passwords.ts';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgSignInStore } from '../../src/adapters/store/sign-in-store.ts';
import { PgSmppAccountStore } from '../../src/adapters/store/smpp-account-store.ts';
import { PgWebhookStore } from '../../src/adapters/store/webhook-store.ts';
import { launchChromium, screenshot } from '../support/chromium.ts';
import { lastMailTo } from '../support/outbox.ts';
import { startTestRelais, type TestRelais } from '../support/relais.ts';
import { takeTurns } from '../support/turns.ts';

takeTurns();

const PORTAL = path.resolve(import.meta.dirname, '..', '..', 'dist', 'web', 'index.html');
const PASSWORD = 'correct horse battery staple';

let relais: TestRelais;
let browser: Browser;
const contexts: BrowserContext[] = [];

let secureAccount: string;

async function createUser(email: string, rights: string[], administrator = false, accountId = relais.accountId): Promise<void> {
  await new PgSignInStore(relais.relais.db).createUser(
    { email, name: email.split('@')[0]!, language: 'fr', accountId, staffRole: null, administrator, rights, brands: null, passwordHash: await hashPassword(PASSWORD) },
    new Date(),
  );
}

/** A fresh browser (its own cookies), on a French phone-or-desktop screen, in Paris. */
async function newPage(width = 1200): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width, height: 900 }, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  return page;
}

async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto(relais.relais.httpUrl + '/');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** Runs a test's steps, and saves the page as it is at the end (or where it failed). */
async function shot(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } finally {
    await screenshot(page, name);
  }
}

beforeAll(async () => {
  if (!existsSync(PORTAL)) throw new Error('the portal is not built: npm run build');
  relais = await startTestRelais();
  browser = await launchChromium();
  await createUser('anne@example.fr', [], true);
  await createUser('stats@example.fr', ['statistics']);
  // An account of its own for the second-factor test (requiring it must not reach the others' users)
  secureAccount = (await new PgAccountStore(relais.relais.db).createAccount({ name: 'secure', defaultShortCode: '36001' }, new Date())).id;
  await createUser('careful@example.fr', ['messages'], false, secureAccount);
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await relais?.stop();
});

describe('the portal, in Chromium', () => {
  it('refuses a wrong password in words, then signs in, sends one SMS and shows it "délivré" in the list', async () => {
    const page = await newPage();
    await shot(page, 'portal-send-delivered', async () => {
      await signIn(page, 'anne@example.fr', 'wrong password');
      await page.getByRole('alert').getByText('Adresse e-mail ou mot de passe incorrect.').waitFor();

      await page.getByLabel('Mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('navigation').getByRole('link', { name: 'Envoyer' }).click();
      await page.getByLabel('Destinataires').fill('06 12 34 56 78');
      await page.getByLabel('Message', { exact: true }).fill('Votre code : 482913');
      // The live counter, from the server's own text code
      await page.getByText('19 caractères · GSM 7 bits · 1 SMS').waitFor();
      await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
      await page.getByRole('cell', { name: /accepté/ }).waitFor();

      await page.getByRole('navigation').getByRole('link', { name: 'Messages' }).click();
      // The list follows the message on its way, without a reload
      const row = page.getByRole('row').filter({ hasText: '+33612345678' });
      await row.getByRole('cell', { name: 'délivré', exact: true }).waitFor({ timeout: 15_000 });
      await expect(row.getByRole('cell', { name: 'transactionnel' }).isVisible()).resolves.toBe(true);
    });
  }, 60_000);

  it('opens on the dashboard: today and this month, STOPs, spend, the queue and the month\'s alarms', async () => {
    const sent = await relais.api('POST', '/v1/messages', { to: '+33611223344', text: 'Votre colis arrive demain', class: 'transactional' });
    await relais.waitFor(sent.body.id, (status) => status === 'delivered');
    await relais.api('POST', '/v1/messages', { to: '+33611223345', text: 'Livraison prévue demain', class: 'transactional', sendAt: new Date(Date.now() + 86_400_000).toISOString() });
    // An alarm the billing sweep raised this month: 80 % of a 500 € budget
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(new Date());
    await relais.relais.db.pool.query(
      `INSERT INTO alarms (account_id, kind, key, period, message, figures, raised_at) VALUES ($1, 'spend-threshold', 'spend-80', $2, 'spend at 80 %', $3, now())`,
      [relais.accountId, month, { value: 400_000_000, limit: 500_000_000, threshold: 80, percent: 80 }],
    );
    const page = await newPage();
    await shot(page, 'portal-dashboard', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
      const table = page.getByRole('table');
      await table.getByRole('columnheader', { name: 'Ce mois-ci' }).waitFor();
      const delivered = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Délivrés', exact: true }) });
      expect(Number((await delivered.getByRole('cell').first().textContent())!.replace(/\D/g, ''))).toBeGreaterThanOrEqual(1);
      await table.getByRole('rowheader', { name: 'STOP reçus' }).waitFor();
      await table.getByRole('rowheader', { name: 'Dépenses (HT)' }).waitFor();
      // The message for tomorrow waits in the queue
      const scheduled = page.locator('.figures div').filter({ has: page.getByText('Programmés', { exact: true }) });
      expect(Number((await scheduled.locator('dd').textContent())!.replace(/\D/g, ''))).toBeGreaterThanOrEqual(1);
      const alarms = page.getByRole('region', { name: 'Alertes du mois' });
      await alarms.getByText(/^Dépenses : 80 % du budget mensuel \(400,00\s€ sur 500,00\s€\)/).waitFor();
    });
  }, 60_000);

  it('shows every refused recipient of a pasted list with its reason, and sends nothing', async () => {
    const page = await newPage(390);
    await shot(page, 'portal-send-refused-phone', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('navigation').getByRole('link', { name: 'Envoyer' }).click();
      await page.getByLabel('Destinataires').fill('06 12 34 56 78\n0612');
      await page.getByLabel('Message', { exact: true }).fill('Rappel : rendez-vous demain à 10 h');
      await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
      await page.getByRole('cell', { name: /refusé : "0612"/ }).waitFor();
      await page.getByText('Rien n’a été envoyé').waitFor();
      const { body } = await relais.api('GET', '/v1/messages?limit=100');
      expect(body.messages.filter((m: { text: string }) => m.text.startsWith('Rappel'))).toEqual([]);
    });
  }, 60_000);

  it('imports a CSV with a bad row, offers the rejected rows, and rolls the import back', async () => {
    const page = await newPage();
    await shot(page, 'portal-import', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
      await page.getByLabel('Nom de la base').fill('Clients');
      await page.getByRole('button', { name: 'Nouvelle base' }).click();
      await page.getByText('0 contact(s)').waitFor();
      const csv = 'Nom;Prénom;Portable;Opt-in SMS\nDupont;Anne;0612345678;oui\nDurand;Marc;12;oui\nMartin;Léa;0698765432;oui\n';
      await page.getByLabel('Fichier CSV', { exact: true }).setInputFiles({ name: 'clients.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Importer' }).click();
      await page.getByText('Import terminé : 2 nouveaux, 0 mis à jour, 1 refusés.').waitFor();
      await page.getByText('2 contact(s)').waitFor();

      const downloading = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Télécharger les lignes refusées' }).click();
      const rejected = readFileSync((await (await downloading).path())!, 'utf8');
      expect(rejected).toContain('Durand');
      expect(rejected.split(/\r?\n/).filter(Boolean)).toHaveLength(2); // header + the bad row

      await page.getByRole('button', { name: 'Annuler cet import' }).click();
      await page.getByText('Import annulé.').waitFor();
      await page.getByText('0 contact(s)').waitFor();
    });
  }, 60_000);

  it('creates a campaign, shows its dry run, launches, pauses and resumes it, with its statistics', async () => {
    await relais.api('POST', '/v1/bases', { name: 'Fidèles' });
    await relais.api('POST', '/v1/bases/Fidèles/contacts', { contacts: [{ mobile: '0611223344', firstName: 'Léa' }] });
    const page = await newPage();
    await shot(page, 'portal-campaign', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('navigation').getByRole('link', { name: 'Campagnes' }).click();
      await page.getByLabel('Nom de la campagne').fill('Rappel fidélité');
      await page.getByLabel('Type').selectOption('transactional');
      await page.getByLabel('Message', { exact: true }).fill('Bonjour {prénom|cher client}, votre carte expire bientôt.');
      await page.getByLabel('Fidèles').check();
      // The per-recipient preview renders the merge field for the contact
      await page.getByRole('button', { name: 'Aperçu', exact: true }).click();
      await page.getByRole('region', { name: 'Aperçu par destinataire' }).getByText('Bonjour Léa, votre carte expire bientôt.').waitFor();
      await screenshot(page, 'portal-campaign-preview');
      // Tomorrow at 10:00, Paris time: launching schedules it, so pausing and resuming are the test's, not a race's
      const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
      await page.getByLabel('Date d’envoi').fill(`${tomorrow}T10:00`);
      await page.getByRole('button', { name: 'Créer le brouillon' }).click();
      await page.getByRole('heading', { name: 'Rappel fidélité — brouillon' }).waitFor();

      await page.getByRole('button', { name: 'Simuler (dry run)' }).click();
      const report = page.getByRole('region', { name: 'Rapport de simulation' });
      await report.getByText('Messages qui partiraient').waitFor();
      expect(await report.locator('dd').first().textContent()).toBe('1');

      await page.getByRole('button', { name: 'Lancer' }).click();
      await page.getByRole('heading', { name: 'Rappel fidélité — programmée' }).waitFor();
      await page.getByText(`Date d’envoi : ${tomorrow.split('-').reverse().join('/')} 10:00 (Europe/Paris)`).waitFor();
      await page.getByRole('button', { name: 'Mettre en pause' }).click();
      await page.getByRole('heading', { name: 'Rappel fidélité — en pause' }).waitFor();
      await page.getByRole('button', { name: 'Reprendre' }).click();
      await page.getByRole('heading', { name: 'Rappel fidélité — programmée' }).waitFor();
      const stats = page.getByRole('region', { name: 'Statistiques' });
      await stats.getByText('Envoyés').waitFor();
      const { body } = await relais.api('GET', '/v1/campaigns');
      expect(body.campaigns.map((c: { name: string; status: string }) => [c.name, c.status])).toContainEqual(['Rappel fidélité', 'scheduled']);
    });
  }, 60_000);

  it('shows a user with only "statistics" no Send page, and the API refuses what they try', async () => {
    const page = await newPage();
    await shot(page, 'portal-statistics-only', async () => {
      await signIn(page, 'stats@example.fr');
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
      expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Tableau de bord', 'Mon compte']);
      await page.goto(relais.relais.httpUrl + '/send');
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
      expect(page.url()).toBe(relais.relais.httpUrl + '/');
      // The same request the Send page would make, from this browser with its session and CSRF token
      const status = await page.evaluate(async () => {
        const session = (await (await fetch('/v1/session')).json()) as { csrfToken: string };
        const response = await fetch('/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify({ to: '0612345678', text: 'Hors droits', class: 'transactional' }) });
        return response.status;
      });
      expect(status).toBe(403);
    });
  }, 60_000);

  it('signs out: the page returns to sign-in and the old cookie no longer works', async () => {
    const page = await newPage();
    await shot(page, 'portal-signed-out', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
      const cookie = (await page.context().cookies()).find((c) => c.name === 'relais_session');
      expect(cookie?.httpOnly).toBe(true);
      const before = await fetch(`${relais.relais.httpUrl}/v1/session`, { headers: { cookie: `relais_session=${cookie!.value}` } });
      expect(before.status).toBe(200);

      await page.getByRole('button', { name: 'Se déconnecter', exact: true }).click();
      await page.getByText('Vous êtes déconnecté.').waitFor();
      await page.getByRole('button', { name: 'Se connecter' }).waitFor();
      const after = await fetch(`${relais.relais.httpUrl}/v1/session`, { headers: { cookie: `relais_session=${cookie!.value}` } });
      expect(after.status).toBe(401);
      const messages = await fetch(`${relais.relais.httpUrl}/v1/messages?limit=1`, { headers: { cookie: `relais_session=${cookie!.value}` } });
      expect(messages.status).toBe(401);
    });
  }, 60_000);

  it('asks for a reset link, and the link of the e-mail opens the page that sets a new password', async () => {
    await createUser('forgetful@example.fr', ['messages']);
    const page = await newPage(390);
    await shot(page, 'portal-password-reset', async () => {
      await page.goto(relais.relais.httpUrl + '/');
      await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
      await page.getByLabel('Adresse e-mail').fill('forgetful@example.fr');
      await page.getByRole('button', { name: 'Recevoir un lien' }).click();
      await page.getByText('un e-mail de réinitialisation vient de partir').waitFor();

      const outbox = relais.relais.mailOutbox!;
      const mail = readdirSync(outbox).map((f) => readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=')).find((m) => m.includes('forgetful@example.fr'))!;
      const link = /(http:\/\/\S+\/password-reset\?token=[^\s"<]+)/.exec(mail)![1]!;
      await page.goto(link);
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('short');
      await page.getByLabel('Le même, une seconde fois').fill('short');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByRole('alert').waitFor(); // too short: the API's reason, in the form
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('un nouveau mot de passe bien long');
      await page.getByLabel('Le même, une seconde fois').fill('un nouveau mot de passe bien long');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('Mot de passe enregistré.').waitFor();
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await signIn(page, 'forgetful@example.fr', 'un nouveau mot de passe bien long');
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
    });
  }, 60_000);

  it('asks for the second factor, and lets a user whose account requires one enrol an authenticator at sign-in', async () => {
    await relais.relais.db.kysely.updateTable('accounts').set({ require_second_factor: true }).where('id', '=', secureAccount).execute();
    const page = await newPage(390);
    await shot(page, 'portal-second-factor', async () => {
      await signIn(page, 'careful@example.fr');
      await page.getByRole('heading', { name: 'Vérification en deux étapes' }).waitFor();
      await page.getByRole('button', { name: 'L’enregistrer maintenant' }).click();
      const secret = (await page.locator('code.secret').textContent())!.replaceAll(' ', '');
      await screenshot(page, 'portal-second-factor-enrol');
      await page.getByLabel('Code', { exact: true }).fill('000000');
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.getByRole('alert').waitFor(); // a wrong code, said so
      await page.getByLabel('Code', { exact: true }).fill(await totpCode({ secret }));
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
    });
  }, 60_000);

  it('enrols an authenticator from "Mon compte", which the next sign-in then asks for', async () => {
    await createUser('totp@example.fr', ['messages']);
    const page = await newPage();
    await shot(page, 'portal-me', async () => {
      await signIn(page, 'totp@example.fr');
      await page.getByRole('navigation').getByRole('link', { name: 'Mon compte' }).click();
      await page.getByRole('button', { name: 'L’enregistrer maintenant' }).click();
      const secret = (await page.locator('code.secret').textContent())!.replaceAll(' ', '');
      await page.getByLabel('Code', { exact: true }).fill(await totpCode({ secret }));
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.getByText('Application enregistrée').waitFor();
      await screenshot(page, 'portal-me-enrolled');

      await page.getByRole('button', { name: 'Se déconnecter', exact: true }).click();
      await signIn(page, 'totp@example.fr');
      await page.getByRole('heading', { name: 'Vérification en deux étapes' }).waitFor();
      await page.getByText('Saisissez le code à 6 chiffres de votre application').waitFor();
    });
  }, 60_000);

  it('shows a STOP received in Réponses, and the opposition it recorded in the number\'s consent ledger, exported', async () => {
    const mo = await fetch(`${relais.relais.httpUrl}/v1/aggregator/simulator/mo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${relais.relais.aggregatorApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: '33677889900', to: '36001', text: 'STOP' }),
    });
    expect(mo.status).toBeLessThan(300);
    for (let i = 0; (await relais.api('GET', '/v1/inbound?limit=10')).body.inbound.length === 0; i++) {
      expect(i, 'the MO reaches the account').toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 25));
    }
    const page = await newPage();
    await shot(page, 'portal-inbound-consent', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('navigation').getByRole('link', { name: 'Réponses' }).click();
      const row = page.getByRole('row').filter({ hasText: '36001' });
      await row.getByRole('cell', { name: 'STOP', exact: true }).first().waitFor();

      await page.getByRole('navigation').getByRole('link', { name: 'Consentements' }).click();
      await page.getByRole('search').getByLabel('Numéro de mobile').fill('06 77 88 99 00');
      await page.getByRole('button', { name: 'Consulter' }).click();
      await page.getByRole('heading', { name: /\+33677889900/ }).waitFor();
      await page.getByRole('cell', { name: 'Opposition (STOP)' }).first().waitFor();
      const downloading = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Exporter le registre (JSON)' }).click();
      const exported = JSON.parse(readFileSync((await (await downloading).path())!, 'utf8'));
      expect(JSON.stringify(exported)).toContain('opt-out');
    });
  }, 60_000);

  it('changes one\'s password from "Mon compte" (the current one checked), and the new one signs in', async () => {
    await createUser('changer@example.fr', ['messages']);
    const page = await newPage();
    await shot(page, 'portal-change-password', async () => {
      await signIn(page, 'changer@example.fr');
      await page.getByRole('navigation').getByRole('link', { name: 'Mon compte' }).click();
      await page.getByLabel('Mot de passe actuel').fill('not my password');
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('a brand new passphrase');
      await page.getByRole('button', { name: 'Changer de mot de passe' }).click();
      await page.getByText('Ce n’est pas votre mot de passe actuel.').waitFor();
      await page.getByLabel('Mot de passe actuel').fill(PASSWORD);
      await page.getByRole('button', { name: 'Changer de mot de passe' }).click();
      await page.getByText('Mot de passe changé.').waitFor();
      await page.getByRole('button', { name: 'Se déconnecter', exact: true }).click();
      await signIn(page, 'changer@example.fr', 'a brand new passphrase');
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
    });
  }, 60_000);

  it('lets the administrator invite a user with only "statistics", who accepts by e-mail, signs in and has no Send page', async () => {
    const admin = await newPage();
    await shot(admin, 'portal-users', async () => {
      await signIn(admin, 'anne@example.fr');
      await admin.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
      await admin.getByRole('navigation', { name: 'Rubriques des paramètres' }).getByRole('link', { name: 'Utilisateurs' }).click();
      await admin.getByRole('heading', { name: 'Nouvel utilisateur' }).waitFor();
      await admin.getByLabel('Adresse e-mail').fill('lea@example.fr');
      await admin.getByLabel('Nom', { exact: true }).fill('Léa Martin');
      await admin.getByRole('checkbox', { name: 'statistiques', exact: true }).check();
      await admin.getByRole('button', { name: 'Inviter' }).click();
      await admin.getByText('une invitation a été envoyée par e-mail à lea@example.fr').waitFor();
      const row = admin.getByRole('row').filter({ hasText: 'lea@example.fr' });
      await row.getByRole('cell', { name: 'invité', exact: true }).waitFor();
      await row.getByRole('cell', { name: 'statistiques', exact: true }).waitFor();

      // Léa opens the link of her e-mail, chooses her password, signs in: the dashboard alone
      const mail = await lastMailTo(relais.relais.mailOutbox!, 'lea@example.fr');
      expect(mail.link).toContain('/invitation?token=');
      const lea = await newPage();
      await lea.goto(mail.link);
      await lea.getByLabel('Nouveau mot de passe', { exact: true }).fill('le mot de passe de Léa');
      await lea.getByLabel('Le même, une seconde fois').fill('le mot de passe de Léa');
      await lea.getByRole('button', { name: 'Enregistrer' }).click();
      await lea.getByText('Mot de passe enregistré.').waitFor();
      await signIn(lea, 'lea@example.fr', 'le mot de passe de Léa');
      await lea.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
      expect(await lea.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Tableau de bord', 'Mon compte']);

      // The administrator gives her "messages" too, then disables her
      await admin.reload();
      await row.getByRole('cell', { name: 'actif', exact: true }).waitFor();
      await row.getByRole('button', { name: 'Changer les droits de lea@example.fr' }).click();
      await row.getByRole('checkbox', { name: 'messages', exact: true }).check();
      await row.getByRole('button', { name: 'Enregistrer' }).click();
      await row.getByRole('cell', { name: 'messages, statistiques', exact: true }).waitFor();
      await row.getByRole('button', { name: 'Désactiver' }).click();
      await row.getByRole('cell', { name: 'désactivé', exact: true }).waitFor();
      await lea.reload();
      await lea.getByRole('button', { name: 'Se connecter' }).waitFor();
    });
  }, 90_000);

  it('creates an API key shown once, which works until it is revoked in the page', async () => {
    const page = await newPage();
    await shot(page, 'portal-api-keys', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
      await page.goto(relais.relais.httpUrl + '/settings/api-keys');
      await page.getByLabel('Libellé').fill('boutique en ligne');
      await page.getByRole('checkbox', { name: 'messages', exact: true }).check();
      await page.getByRole('button', { name: 'Créer la clé' }).click();
      await page.getByText('Elle n’est affichée qu’une fois').waitFor();
      const key = (await page.getByTestId('new-key').textContent())!.trim();
      const call = () => fetch(`${relais.relais.httpUrl}/v1/messages?limit=1`, { headers: { authorization: `Bearer ${key}` } });
      expect((await call()).status).toBe(200);

      const row = page.getByRole('row').filter({ hasText: 'boutique en ligne' });
      await row.getByRole('cell', { name: 'messages', exact: true }).waitFor();
      await row.getByRole('button', { name: /^Révoquer la clé/ }).click();
      await row.getByText('Ce qui l’utilise cessera aussitôt de fonctionner').waitFor();
      await row.getByRole('button', { name: 'Oui, révoquer' }).click();
      await page.getByText(/est révoquée : elle ne fonctionne plus/).waitFor();
      // Every door stops accepting it within a second (docs/accounts.md, "API keys")
      await expect.poll(async () => (await call()).status, { timeout: 3000 }).toBe(401);
    });
  }, 60_000);

  it('shows the creation of a key in the audit trail, by the signed-in user, and exports it as CSV', async () => {
    const page = await newPage();
    await shot(page, 'portal-audit', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
      await page.goto(relais.relais.httpUrl + '/settings/api-keys');
      await page.getByLabel('Libellé').fill('journal');
      await page.getByRole('checkbox', { name: 'statistiques', exact: true }).check();
      await page.getByRole('button', { name: 'Créer la clé' }).click();
      await page.getByText('Elle n’est affichée qu’une fois').waitFor();

      await page.getByRole('navigation', { name: 'Rubriques des paramètres' }).getByRole('link', { name: 'Journal d’audit' }).click();
      await page.getByLabel('Action', { exact: true }).fill('api-keys');
      await page.getByRole('button', { name: 'Filtrer' }).click();
      const row = page.getByRole('row').filter({ hasText: 'api-keys.create' }).first();
      await row.getByRole('cell', { name: /anne@example\.fr/ }).waitFor();
      expect(await page.getByRole('row').filter({ hasText: 'webhooks' }).count()).toBe(0);

      const downloading = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Exporter (CSV)' }).click();
      const csv = readFileSync((await (await downloading).path())!, 'utf8');
      expect(csv).toContain('api-keys.create');
      expect(csv).toContain('anne@example.fr');
    });
  }, 60_000);

  it('lets the aggregator name the client account it views, and shows that account', async () => {
    const admin = relais.relais.firstSignIns?.find((s) => s.email === 'admin@localhost');
    expect(admin, 'the first start made admin@localhost').toBeDefined();
    const page = await newPage();
    await shot(page, 'portal-aggregator', async () => {
      await signIn(page, 'admin@localhost', admin!.password);
      await page.getByText('Vous êtes l’agrégateur').waitFor();
      await page.getByLabel('Compte', { exact: true }).fill('test');
      await page.getByLabel('Compte', { exact: true }).press('Enter');
      await page.getByRole('navigation').getByRole('link', { name: 'Messages' }).click();
      await page.getByRole('cell', { name: '+33612345678' }).first().waitFor();
    });
  }, 60_000);

  it('gives the aggregator its console: accounts (created, suspended, reactivated), routes with their link, traffic', async () => {
    const admin = relais.relais.firstSignIns?.find((s) => s.email === 'admin@localhost');
    const page = await newPage();
    await shot(page, 'portal-console', async () => {
      await signIn(page, 'admin@localhost', admin!.password);
      await page.getByRole('navigation').getByRole('link', { name: 'Console agrégateur' }).click();
      await page.getByRole('heading', { name: 'Console de l’agrégateur' }).waitFor();
      for (const name of ['test', 'secure']) await page.getByRole('rowheader', { name }).waitFor();

      await page.getByLabel('Nom du compte').fill('boutique');
      await page.getByLabel('Raison sociale').fill('La Boutique SAS');
      await page.getByRole('button', { name: 'Créer le compte' }).click();
      const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'boutique' }) });
      await row.getByText('actif').waitFor();
      await row.getByRole('button', { name: 'Suspendre' }).click();
      await page.getByText('Indiquez la raison de la suspension').waitFor();
      await row.getByLabel('Raison de la suspension de boutique').fill('Impayé de novembre');
      await row.getByRole('button', { name: 'Suspendre' }).click();
      await row.getByText('Impayé de novembre').waitFor();
      await row.getByRole('button', { name: 'Réactiver' }).click();
      await row.getByText('actif').waitFor();
      await screenshot(page, 'portal-console-accounts');

      await page.getByRole('link', { name: 'Routes et numéros courts' }).click();
      await page.getByText('connectée').first().waitFor();
      await page.getByRole('columnheader', { name: 'Débit' }).first().waitFor();
      await page.getByLabel('Motif de la pause').fill('Maintenance SMSC 14h–15h');
      await page.getByRole('button', { name: 'Mettre en pause' }).click();
      await page.getByText('En pause : Maintenance SMSC 14h–15h').waitFor();
      await screenshot(page, 'portal-console-routes');
      await page.getByRole('button', { name: 'Reprendre' }).click();
      await page.getByRole('button', { name: 'Mettre en pause' }).waitFor();
      await page.getByRole('link', { name: 'Trafic' }).click();
      await page.getByRole('rowheader', { name: 'Total' }).waitFor();
    });
  }, 60_000);

  it('counts every text as the server does: the live counter agrees with the API’s preview (property)', async () => {
    await relais.api('POST', '/v1/bases', { name: 'Compteur' });
    await relais.api('POST', '/v1/bases/Compteur/contacts', { contacts: [{ mobile: '0655443322' }] });
    const page = await newPage();
    await shot(page, 'portal-counter', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('navigation').getByRole('link', { name: 'Envoyer' }).click();
      const message = page.getByLabel('Message', { exact: true });
      // GSM 03.38 letters, its extension table (two septets each), accents in and out of it, an emoji (a surrogate pair), line breaks
      const alphabet = fc.constantFrom(...'aZ09 .,!?@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ€[]~^\\|êâîôûçœ’«»😀\n'.match(/./gsu)!);
      const texts = fc.array(alphabet, { minLength: 1, maxLength: 400 }).map((chars) => chars.join('')).filter((text) => text.trim() !== '');
      await fc.assert(
        fc.asyncProperty(texts, async (text) => {
          await message.fill(text);
          const shown = (await page.locator('#counter').textContent())!;
          const [, encoding, segments] = /· (GSM 7 bits|UCS-2) · (\d+) SMS/.exec(shown)!;
          const preview = await page.evaluate(async (body) => {
            const { csrfToken } = (await (await fetch('/v1/session')).json()) as { csrfToken: string };
            const response = await fetch('/v1/templates/preview', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify(body) });
            return (await response.json()) as { byEncoding: { gsm7: number; ucs2: number }; maxSegments: number };
          }, { text, bases: ['Compteur'], class: 'transactional' });
          expect({ encoding: encoding === 'UCS-2' ? 'ucs2' : 'gsm7', segments: Number(segments) }).toEqual({ encoding: preview.byEncoding.ucs2 === 1 ? 'ucs2' : 'gsm7', segments: preview.maxSegments });
        }),
        { numRuns: 40, seed: 2026 },
      );
    });
  }, 120_000);

  it('is usable with the keyboard alone: sign in, reach the Send page, send', async () => {
    const page = await newPage();
    // The accessible name of the focused element: its label's text, or its own (written as text: this file has no DOM types)
    const focused = () => page.evaluate<string>('((e) => e ? ((e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent) || "").trim() : "")(document.activeElement)');
    /** Presses Tab until the element named `name` has the focus. */
    const tabTo = async (name: string) => {
      for (let i = 0; (await focused()) !== name; i++) {
        expect(i, `Tab reaches "${name}"`).toBeLessThan(40);
        await page.keyboard.press('Tab');
      }
    };
    await shot(page, 'portal-keyboard', async () => {
      await page.goto(relais.relais.httpUrl + '/');
      await page.getByRole('heading', { name: 'Connexion' }).waitFor();
      await tabTo('Adresse e-mail');
      await page.keyboard.type('anne@example.fr');
      await tabTo('Mot de passe');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
      await tabTo('Envoyer');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Envoyer un SMS' }).waitFor();
      await tabTo('Destinataires');
      await page.keyboard.type('0611111111');
      await tabTo('Message');
      await page.keyboard.type('Votre colis arrive demain.');
      await tabTo('Envoyer');
      await page.keyboard.press('Enter');
      await page.getByRole('cell', { name: /accepté/ }).waitFor();
    });
  }, 60_000);

  it('speaks English when asked, and keeps it after signing in', async () => {
    const page = await newPage();
    await shot(page, 'portal-english', async () => {
      await page.goto(relais.relais.httpUrl + '/');
      await page.getByRole('button', { name: 'Switch to English' }).click();
      await page.getByLabel('E-mail address').fill('anne@example.fr');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
    });
  }, 60_000);

  it('offers the account’s brands to choose from on the Send page, and sends as the one chosen', async () => {
    await relais.api('PUT', '/v1/account/brands', { brands: ['Jardins'] });
    const page = await newPage();
    await shot(page, 'portal-send-brand', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('navigation').getByRole('link', { name: 'Envoyer' }).click();
      const brand = page.getByLabel('Marque', { exact: true });
      await brand.locator('option', { hasText: 'Jardins' }).waitFor({ state: 'attached' });
      expect(await brand.locator('option').allTextContents()).toEqual([expect.stringContaining('(la marque du compte)'), 'Jardins']);
      await brand.selectOption('Jardins');
      await page.getByLabel('Destinataires').fill('06 12 34 56 70');
      await page.getByLabel('Message', { exact: true }).fill('Votre commande Jardins est prête');
      await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
      await page.getByRole('cell', { name: /accepté/ }).waitFor();
      const { body } = await relais.api('GET', '/v1/messages?limit=100');
      const sent = body.messages.find((m: { text: string }) => m.text === 'Votre commande Jardins est prête');
      expect((await relais.api('GET', `/v1/messages/${sent.id}`)).body.brand).toBe('Jardins');
    });
  }, 60_000);
  it('shows a webhook\'s deliveries, rotates the SMPP password, allows an e-mail sender and sets the CONTACT reply', async () => {
    const smpp = new PgSmppAccountStore(relais.relais.db);
    await smpp.setCredential(relais.accountId, { systemId: 'portal', password: 'initial', maxBinds: 2 }, new Date());
    const hook = await new PgWebhookStore(relais.relais.db).create(relais.accountId, { url: 'http://127.0.0.1:9/hook', events: ['delivered'], secret: 'whsec_test' }, new Date());
    const sent = await relais.api('POST', '/v1/messages', { to: '+33611223399', text: 'Votre rendez-vous est confirmé', class: 'transactional' });
    await relais.waitFor(sent.body.id, (status) => status === 'delivered');
    // The webhook's worker tries the closed port once: the attempt is what the page shows
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      const { body } = await relais.api('GET', `/v1/webhooks/${hook.id}/deliveries`);
      if (body.deliveries.some((d: { attempts: unknown[] }) => d.attempts.length > 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const page = await newPage();
    await shot(page, 'portal-settings-doors', async () => {
      await signIn(page, 'anne@example.fr');
      await page.getByRole('navigation').getByRole('link', { name: 'Paramètres' }).click();
      await page.getByRole('button', { name: 'Voir les livraisons' }).click();
      const deliveries = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Tentatives' }) });
      await deliveries.getByRole('cell', { name: /^(en cours de réessai|abandonnée)$/ }).first().waitFor();
      await screenshot(page, 'portal-settings-deliveries');

      await page.getByRole('link', { name: 'Accès SMPP et e-mail' }).click();
      await page.getByText('portal', { exact: true }).waitFor();
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Nouveau mot de passe SMPP' }).click();
      const password = (await page.getByTestId('smpp-password').textContent())!;
      expect(await smpp.authenticate('portal', password)).toMatchObject({ accountId: relais.accountId });
      await page.getByLabel('Adresses IP autorisées').fill('192.0.2.0/24\n10.0.0.0/33');
      await page.getByRole('button', { name: 'Enregistrer les adresses' }).click();
      await page.getByRole('alert').getByText('Adresses IP autorisées, ligne 2').waitFor();
      await page.getByLabel('Adresse de l’expéditeur à autoriser').fill('alertes@exemple.fr');
      await page.getByRole('button', { name: 'Autoriser cette adresse' }).click();
      await page.getByRole('button', { name: 'Retirer alertes@exemple.fr' }).waitFor();
      await screenshot(page, 'portal-settings-smpp');

      await page.getByRole('link', { name: 'Mots-clés' }).click();
      await page.getByLabel('Vos mots STOP').fill('BASTA');
      await page.getByRole('button', { name: 'Enregistrer les mots-clés' }).click();
      await page.getByRole('cell', { name: 'BASTA' }).waitFor();
      const reply = page.getByLabel('Réponse à CONTACT');
      await reply.fill('Démo SAS ✆ '.repeat(14));
      await page.getByText(/3 SMS — trop long/).waitFor();
      await page.getByRole('button', { name: 'Enregistrer la réponse' }).click();
      await page.getByRole('alert').getByText(/SMS parts in UCS-2/).waitFor();
      await reply.fill('Démo SAS, 1 rue de la Paix 75002 Paris, 01 23 45 67 89');
      await page.getByRole('button', { name: 'Enregistrer la réponse' }).click();
      await page.locator('q', { hasText: 'Démo SAS, 1 rue de la Paix 75002 Paris' }).waitFor();
    });
  }, 60_000);
});
