import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countryOf, decideRoute, failedOver, routerFor, type RoutingTable } from '../../../src/core/routing/index.ts';
import type { OperatorAnswer, OperatorOf } from '../../../src/core/numbering/index.ts';

const answer = (operator: string | undefined, source: OperatorAnswer['source'] = 'range'): OperatorAnswer => ({ operator, name: undefined, source });
/** Numbers ending in 1 are Orange's, 2 SFR's, 3 Bouygues', 4 Free's (ported), others unknown. */
const operatorOf: OperatorOf = (e164) =>
  ({ '1': answer('ORAN'), '2': answer('SFR0'), '3': answer('BOUY'), '4': answer('FRTE', 'ported') })[e164.at(-1)!] ?? answer(undefined, 'unknown');

const routes = new Map([
  ['orange-36001', { name: 'orange-36001', operator: 'ORAN', subscribersOnly: true }],
  ['sfr', { name: 'sfr', operator: 'SFR0' }],
  ['bouygues', { name: 'bouygues', operator: 'BOUY' }],
  ['free', { name: 'free', operator: 'FRTE' }],
]);
const table = (over: Partial<RoutingTable> = {}): RoutingTable => ({
  rules: [],
  routes,
  shortCodeRoutes: new Map([
    ['36001', ['orange-36001', 'sfr', 'bouygues', 'free']],
    ['36002', ['orange-36001']],
  ]),
  unknownOperator: 'allow',
  ...over,
});
const message = (recipient: string, over: Partial<Parameters<typeof decideRoute>[1]> = {}) => ({ accountId: 'acc-1', accountName: 'acme', shortCode: '36001', class: 'marketing' as const, recipient, ...over });

describe('routing', () => {
  it("sends on the short code's routes in order, skipping the Orange route for a recipient who is not an Orange subscriber", () => {
    expect(decideRoute(table(), message('+33612000001'), operatorOf)).toMatchObject({ kind: 'routed', route: 'orange-36001', fallbacks: ['sfr', 'bouygues', 'free'] });
    const sfr = decideRoute(table(), message('+33612000002'), operatorOf);
    expect(sfr).toMatchObject({ kind: 'routed', route: 'sfr', fallbacks: ['bouygues', 'free'], operator: 'SFR0' });
    expect(sfr.reason).toBe("short code 36001's routes; recipient a SFR0 subscriber");
    expect(decideRoute(table(), message('+33612000004'), operatorOf).reason).toContain('a FRTE subscriber (ported)');
  });

  it('refuses a non-Orange recipient on a short code only the Orange route carries, with not-an-orange-subscriber', () => {
    const refused = decideRoute(table(), message('+33612000003', { shortCode: '36002' }), operatorOf);
    expect(refused).toMatchObject({ kind: 'refused', code: 'not-an-orange-subscriber', operator: 'BOUY' });
    expect(refused.reason).toContain('route orange-36001 carries only ORAN subscribers');
    expect(decideRoute(table(), message('+33612000001', { shortCode: '36002' }), operatorOf)).toMatchObject({ kind: 'routed', route: 'orange-36001' });
  });

  it('carries a number no file places on the Orange route unless told to refuse it', () => {
    expect(decideRoute(table(), message('+33612000009', { shortCode: '36002' }), operatorOf)).toMatchObject({ kind: 'routed', route: 'orange-36001' });
    expect(decideRoute(table({ unknownOperator: 'refuse' }), message('+33612000009', { shortCode: '36002' }), operatorOf)).toMatchObject({ kind: 'refused', code: 'not-an-orange-subscriber' });
  });

  it('refuses a short code no route carries with no-route', () => {
    expect(decideRoute(table(), message('+33612000001', { shortCode: '36999' }), operatorOf)).toMatchObject({ kind: 'refused', code: 'no-route' });
  });

  it('takes the first rule that matches and may carry the message; its routes in its order', () => {
    const rules = [
      { operators: ['BOUY'], classes: ['transactional' as const], routes: ['bouygues'] },
      { operators: ['SFR0', 'BOUY'], routes: ['free', 'sfr'] },
      { accounts: ['acme'], countries: ['RE'], routes: ['sfr'] },
      { shortCodes: ['36001'], routes: ['orange-36001', 'bouygues'] },
    ];
    const t = table({ rules });
    expect(decideRoute(t, message('+33612000003', { class: 'transactional' }), operatorOf)).toMatchObject({ route: 'bouygues', fallbacks: [], reason: expect.stringMatching(/^rule 1 \(operator BOUY, class transactional\)/) });
    expect(decideRoute(t, message('+33612000003'), operatorOf)).toMatchObject({ route: 'free', fallbacks: ['sfr'], reason: expect.stringMatching(/^rule 2 /) });
    expect(decideRoute(t, message('+262692000001'), operatorOf)).toMatchObject({ route: 'sfr', reason: expect.stringMatching(/^rule 3 \(account acme, country RE\)/) });
    // Rule 4 names the Orange route first; a Free subscriber cannot take it, so its other route carries it.
    expect(decideRoute(t, message('+33612000004'), operatorOf)).toMatchObject({ route: 'bouygues', fallbacks: [], reason: expect.stringMatching(/^rule 4 /) });
    // A rule whose routes do not carry the short code does not decide.
    expect(decideRoute(t, message('+33612000003', { shortCode: '36002' }), operatorOf)).toMatchObject({ kind: 'refused', code: 'not-an-orange-subscriber' });
  });

  it('never chooses a route that does not carry the short code, nor an Orange-only route for a non-Orange recipient', () => {
    const names = [...routes.keys(), 'nowhere'];
    const rule = fc.record(
      {
        operators: fc.subarray(['ORAN', 'SFR0', 'BOUY', 'FRTE', 'unknown'], { minLength: 1 }),
        classes: fc.subarray(['transactional', 'marketing'] as const, { minLength: 1 }),
        routes: fc.uniqueArray(fc.constantFrom(...names), { minLength: 1 }),
      },
      { requiredKeys: ['routes'] },
    );
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 5 }), fc.constantFrom('36001', '36002', '36999'), fc.integer({ min: 0, max: 9 }), (rules, shortCode, last) => {
        const t = table({ rules });
        const recipient = `+3361200000${last}`;
        const decision = decideRoute(t, message(recipient, { shortCode }), operatorOf);
        if (decision.kind === 'refused') return;
        const carriers = t.shortCodeRoutes.get(shortCode)!;
        for (const name of [decision.route, ...decision.fallbacks]) {
          expect(carriers).toContain(name);
          const operator = operatorOf(recipient).operator;
          if (routes.get(name)!.subscribersOnly && operator !== undefined) expect(operator).toBe(routes.get(name)!.operator);
        }
      }),
    );
  });

  it('decides as decideRoute does when it remembers its decisions, whatever the rules and the numbers', () => {
    const rule = fc.record(
      {
        operators: fc.subarray(['ORAN', 'SFR0', 'BOUY', 'FRTE', 'unknown'], { minLength: 1 }),
        countries: fc.subarray(['FR', 'RE', 'ZZ'], { minLength: 1 }),
        accounts: fc.subarray(['acc-1', 'acme', 'other'], { minLength: 1 }),
        routes: fc.uniqueArray(fc.constantFrom(...routes.keys()), { minLength: 1 }),
      },
      { requiredKeys: ['routes'] },
    );
    const recipient = fc.tuple(fc.constantFrom('+33612', '+262692', '+447700'), fc.integer({ min: 0, max: 9999 })).map(([prefix, n]) => `${prefix}00${String(n).padStart(4, '0')}`);
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), fc.array(fc.tuple(recipient, fc.constantFrom('36001', '36002'), fc.constantFrom('transactional', 'marketing') as fc.Arbitrary<'transactional' | 'marketing'>), { maxLength: 30 }), (rules, inputs) => {
        const t = table({ rules });
        const router = routerFor(t, operatorOf, 4);
        for (const [to, shortCode, klass] of [...inputs, ...inputs]) {
          const input = message(to, { shortCode, class: klass });
          expect(router(input)).toEqual(decideRoute(t, input, operatorOf));
        }
      }),
    );
  });

  it('names the country or territory of a number', () => {
    expect(['+33612345678', '+262692123456', '+262639123456', '+590690123456', '+596696123456', '+594694123456', '+447700900123'].map(countryOf)).toEqual(['FR', 'RE', 'YT', 'GP', 'MQ', 'GF', 'ZZ']);
  });

  describe('failover', () => {
    it('moves a message to its first usable fallback and keeps the fallbacks after it', () => {
      expect(failedOver({ route: 'orange', fallbacks: ['sfr', 'bouygues', 'free'] }, ['free', 'bouygues'], 'route down for 12 s')).toEqual({
        route: 'bouygues',
        fallbacks: ['free'],
        reason: 'failover from orange to bouygues: route down for 12 s',
      });
    });

    it('leaves a message whose fallbacks are none of the usable routes where it is', () => {
      expect(failedOver({ route: 'orange', fallbacks: ['sfr'] }, ['free'], 'paused')).toBeUndefined();
      expect(failedOver({ route: 'orange', fallbacks: [] }, ['free'], 'paused')).toBeUndefined();
    });

    it('never moves a message to a route it was not given, nor back to one it left', () => {
      fc.assert(
        fc.property(fc.uniqueArray(fc.constantFrom<string>('a', 'b', 'c', 'd', 'e'), { minLength: 1 }), fc.subarray<string>(['a', 'b', 'c', 'd', 'e']), ([route, ...fallbacks], usable) => {
          const moved = failedOver({ route: route!, fallbacks }, usable, 'why');
          if (!moved) {
            expect(fallbacks.some((f) => usable.includes(f))).toBe(false);
          } else {
            expect(usable).toContain(moved.route);
            expect([moved.route, ...moved.fallbacks]).toEqual(fallbacks.slice(fallbacks.indexOf(moved.route)));
            expect(fallbacks.slice(0, fallbacks.indexOf(moved.route)).some((f) => usable.includes(f))).toBe(false);
          }
        }),
      );
    });
  });
});
