/**
 * What an account changes itself of its doors and keywords (docs/portal.md, "Doors and keywords"): it rotates its
 * SMPP password (shown once, then working), sets its bind addresses and e-mail senders, its own STOP and CONTACT
 * words and its CONTACT reply; each change on the audit trail; bad input refused at its field; another account,
 * a key without "settings" and a key limited to a brand reach none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgEmailStore } from '../../../src/adapters/store/email-store.ts';
import { PgSmppAccountStore } from '../../../src/adapters/store/smpp-account-store.ts';
import { RIGHTS } from '../../../src/core/access/rights.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

describe('doors and keywords over HTTP', () => {
  let t: TestRelais;
  let smpp: PgSmppAccountStore;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'] }, { brand: 'Dupont', brands: ['Dupont', 'Jardins'], legalName: 'Dupont SA', postalAddress: '1 rue de la Paix, Paris' });
    const accounts = new PgAccountStore(t.relais.db);
    const now = new Date();
    smpp = new PgSmppAccountStore(t.relais.db);
    await smpp.setCredential(t.accountId, { systemId: 'dupont', password: 'initial', allowedIps: ['192.0.2.0/24'], maxBinds: 2 }, now);
    await new PgEmailStore(t.relais.db).allowSenders(t.accountId, ['alerts@dupont.example'], now);
    const other = await accounts.createAccount({ name: 'other', brand: 'Other' }, now);
    keys.other = await accounts.createApiKey(other.id, null, now);
    await new PgEmailStore(t.relais.db).allowSenders(other.id, ['ops@other.example'], now);
    keys.noSettings = await accounts.createApiKey(t.accountId, null, now, { rights: RIGHTS.filter((r) => r !== 'settings'), brands: null });
    keys.jardins = await accounts.createApiKey(t.accountId, null, now, { rights: RIGHTS, brands: ['Jardins'] });
  });
  afterAll(() => t?.stop());

  const as = async (key: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(t.relais.httpUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: response.status === 204 ? null : ((await response.json()) as any) };
  };

  it('shows the doors as provisioned, never a password, and rotates the SMPP password once shown', async () => {
    const doors = await t.api('GET', '/v1/doors');
    expect(doors.body).toMatchObject({ smpp: [{ systemId: 'dupont', allowedIps: ['192.0.2.0/24'], maxBinds: 2 }], email: { senders: ['alerts@dupont.example'], textFrom: 'body' } });
    expect(JSON.stringify(doors.body)).not.toMatch(/password|scrypt/);

    const rotated = await t.api('POST', '/v1/doors/smpp/dupont/password');
    expect(rotated.status).toBe(200);
    expect(rotated.body.password).toMatch(/^[A-Za-z2-9]{8}$/);
    expect(await smpp.authenticate('dupont', rotated.body.password)).toMatchObject({ accountId: t.accountId });
    expect(await smpp.authenticate('dupont', 'initial')).toBeUndefined();
    expect((await t.api('POST', '/v1/doors/smpp/unknown/password')).status).toBe(404);
  });

  it('sets the bind addresses and the e-mail senders, each bad value refused at its place', async () => {
    const bad = await t.api('PUT', '/v1/doors/smpp/dupont/allowed-ips', { allowedIps: ['198.51.100.0/24', '10.0.0.0/33', 'nowhere'] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['/allowedIps/1', '/allowedIps/2']);
    const set = await t.api('PUT', '/v1/doors/smpp/dupont/allowed-ips', { allowedIps: ['198.51.100.0/24', '2001:db8::/32'] });
    expect(set.body.smpp[0].allowedIps).toEqual(['198.51.100.0/24', '2001:db8::/32']);

    expect((await t.api('PUT', '/v1/doors/email/senders/not-an-address')).status).toBe(422);
    const taken = await t.api('PUT', '/v1/doors/email/senders/ops%40other.example');
    expect(taken.status).toBe(403);
    expect(taken.body.detail).toMatch(/cannot be allowlisted by this account.*ask the aggregator/);
    expect((await t.api('PUT', '/v1/doors/email/senders/Shop%40Dupont.example')).body.email.senders).toEqual(['alerts@dupont.example', 'shop@dupont.example']);
    expect((await t.api('DELETE', '/v1/doors/email/senders/alerts%40dupont.example')).status).toBe(204);
    expect((await t.api('DELETE', '/v1/doors/email/senders/alerts%40dupont.example')).status).toBe(404);
    expect((await t.api('PUT', '/v1/doors/email/text-from', { textFrom: 'subject' })).body.email).toEqual({ senders: ['shop@dupont.example'], textFrom: 'subject' });
  });

  it('sets its own STOP and CONTACT words and its CONTACT reply, checked as MOs are read', async () => {
    const before = await t.api('GET', '/v1/keywords');
    expect(before.body).toMatchObject({ own: { stop: [], contact: [] }, contactReply: null, contactReplySent: 'Dupont SA - 1 rue de la Paix, Paris' });
    expect(before.body.defaults.stop).toContain('STOP');

    const clash = await t.api('PUT', '/v1/keywords', { stop: ['BASTA', 'START'], contact: ['INFOS'] });
    expect(clash.status).toBe(422);
    expect(clash.body.errors.map((e: any) => e.field)).toEqual(['/stop/1']);
    const saved = await t.api('PUT', '/v1/keywords', { stop: ['BASTA'], contact: ['INFOS'] });
    expect(saved.body.own).toEqual({ stop: ['BASTA'], start: [], contact: ['INFOS'] });

    const long = await t.api('PUT', '/v1/keywords/contact-reply', { contactReply: 'Dupont SA ✆ '.repeat(15) });
    expect(long.status).toBe(422);
    expect(long.body.errors).toEqual([{ field: '/contactReply', reason: expect.stringMatching(/SMS parts in UCS-2.*"✆"/) }]);
    expect((await t.api('PUT', '/v1/keywords/contact-reply', { contactReply: '  ' })).status).toBe(422);
    const reply = await t.api('PUT', '/v1/keywords/contact-reply', { contactReply: 'Dupont SA, service client 01 23 45 67 89' });
    expect(reply.body).toMatchObject({ contactReply: 'Dupont SA, service client 01 23 45 67 89', contactReplySent: 'Dupont SA, service client 01 23 45 67 89' });
    expect((await new PgAccountStore(t.relais.db).findById(t.accountId))!).toMatchObject({ contactReply: 'Dupont SA, service client 01 23 45 67 89', keywords: { stop: ['BASTA'], contact: ['INFOS'] } });
  });

  it('puts every change on the audit trail, refusals included, never the new password', async () => {
    const trail = (await t.api('GET', '/v1/audit?action=doors&limit=100')).body.events as any[];
    const actions = trail.map((e) => `${e.action} ${e.status}`);
    expect(actions).toEqual(expect.arrayContaining(['doors.smpp.password.rotate 200', 'doors.smpp.allowed-ips.update 422', 'doors.email.senders.add 403', 'doors.email.senders.delete 204']));
    expect(trail.find((e) => e.action === 'doors.email.senders.delete')).toMatchObject({ object: { type: 'sender', id: 'alerts@dupont.example' } });
    const keywords = (await t.api('GET', '/v1/audit?action=keywords&limit=100')).body.events as any[];
    expect(keywords.map((e) => `${e.action} ${e.status}`)).toEqual(expect.arrayContaining(['keywords.update 422', 'keywords.update 200', 'keywords.contact-reply.update 200']));
    expect(JSON.stringify(trail)).not.toContain('initial');
  });

  it('keeps another account, a key without "settings" and a key limited to a brand out', async () => {
    const other = await as(keys.other!, 'GET', '/v1/doors');
    expect(other.body).toEqual({ smpp: [], email: { senders: ['ops@other.example'], textFrom: 'body' } });
    expect((await as(keys.other!, 'POST', '/v1/doors/smpp/dupont/password')).status).toBe(404);
    expect((await as(keys.other!, 'PUT', '/v1/doors/smpp/dupont/allowed-ips', { allowedIps: [] })).status).toBe(404);
    expect((await as(keys.other!, 'DELETE', '/v1/doors/email/senders/shop%40dupont.example')).status).toBe(404);
    expect((await as(keys.other!, 'GET', '/v1/keywords')).body.own).toEqual({ stop: [], start: [], contact: [] });
    for (const key of [keys.noSettings!, keys.jardins!]) {
      expect((await as(key, 'GET', '/v1/doors')).status).toBe(403);
      expect((await as(key, 'POST', '/v1/doors/smpp/dupont/password')).status).toBe(403);
      expect((await as(key, 'PUT', '/v1/keywords/contact-reply', { contactReply: 'Autre' })).status).toBe(403);
    }
    expect((await t.api('GET', '/v1/doors')).body).toMatchObject({ smpp: [{ allowedIps: ['198.51.100.0/24', '2001:db8::/32'] }], email: { senders: ['shop@dupont.example'] } });
    expect((await t.api('GET', '/v1/keywords')).body.contactReply).toBe('Dupont SA, service client 01 23 45 67 89');
  });
});
