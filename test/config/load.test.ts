import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

function problemsOf(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration', () => {
  it('starts from nothing: embedded defaults, the simulator speaking SMPP', () => {
    const config = parseConfig({});
    expect(config.routes).toEqual([]);
    expect(config.simulator.protocol).toBe('smpp');
    expect(config.http.port).toBe(8080);
  });

  it('fills a UCP route with its defaults', () => {
    const config = parseConfig({ routes: [{ name: 'orange', protocol: 'ucp', host: 'smsc.example.net', port: 3000, login: '36123', password: 'pw' }] });
    expect(config.routes[0]).toEqual({
      name: 'orange',
      protocol: 'ucp',
      host: 'smsc.example.net',
      port: 3000,
      login: '36123',
      password: 'pw',
      loginTon: '6',
      loginNpi: '5',
      window: 10,
      responseTimeoutMs: 10_000,
      restartAfterUnanswered: 5,
      keepAliveIntervalMs: 30_000,
      internationalPrefix: '00',
      bufferedNotifications: false,
      expiredReasons: [],
      subscribersOnly: false,
    });
  });

  it("names each problem of a route against its own protocol's fields", () => {
    const problems = problemsOf({
      routes: [
        { name: 'o', protocol: 'ucp', host: 'h', port: 1, login: 'ORANGE', password: 'p', window: 101 },
        { name: 's', protocol: 'smpp', host: 'h', port: 1, systemId: 'relais', password: 'far too long' },
        { name: 'x', protocol: 'emi', host: 'h', port: 1 },
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/routes\/0\/login: .*OAdC of the login/),
        expect.stringMatching(/^\/routes\/0\/window: /),
        expect.stringMatching(/^\/routes\/1\/password: .*at most 8 characters/),
        '/routes/2/protocol: expected "smpp" or "ucp"',
      ]),
    );
    expect(problems.every((p) => /^\/routes\/[0-2]\//.test(p))).toBe(true);
  });

  it('turns the Orange profile into one UCP route per short code, logged in as the short code, at its rate', () => {
    const config = parseConfig({
      orange: {
        host: '10.0.0.1',
        port: 3000,
        window: 1,
        shortCodes: [
          { number: '36123', password: 'a', ratePerSecond: 50 },
          { number: '38001', password: 'b' },
        ],
      },
    });
    expect(config.routes.map((r) => ({ name: r.name, protocol: r.protocol, login: 'login' in r ? r.login : undefined, window: r.window, operator: r.operator, subscribersOnly: r.subscribersOnly }))).toEqual([
      { name: 'orange-36123', protocol: 'ucp', login: '36123', window: 1, operator: 'ORAN', subscribersOnly: true },
      { name: 'orange-38001', protocol: 'ucp', login: '38001', window: 1, operator: 'ORAN', subscribersOnly: true },
    ]);
    expect(config.shortCodes).toEqual([
      { number: '36123', route: 'orange-36123', ratePerSecond: 50 },
      { number: '38001', route: 'orange-38001', ratePerSecond: 10 },
    ]);
  });

  it('lets an Orange short code also go out on other routes, and names a routing rule or short code that names no route', () => {
    const sfr = { name: 'sfr', protocol: 'smpp', host: 'h', port: 1, systemId: 'relais', password: 'p', operator: 'SFR0' };
    const config = parseConfig({ routes: [sfr], orange: { host: 'h', port: 1, shortCodes: [{ number: '36123', password: 'a', alsoOn: ['sfr'] }] }, routing: { rules: [{ operators: ['SFR0'], routes: ['sfr'] }] } });
    expect(config.shortCodes).toEqual([{ number: '36123', route: 'orange-36123', ratePerSecond: 10, alsoOn: ['sfr'] }]);
    expect(config.routing).toEqual({ rules: [{ operators: ['SFR0'], routes: ['sfr'] }], unknownOperator: 'allow', failoverAfterMs: 10_000 });
    expect(
      problemsOf({
        routes: [sfr],
        shortCodes: [{ number: '36123', route: 'sfr', alsoOn: ['free'], ratePerSecond: 10 }],
        routing: { rules: [{ classes: ['marketing'], routes: ['bouygues', 'sfr'] }] },
      }),
    ).toEqual(['/shortCodes/0/alsoOn: no route named "free" (declared: sfr)', '/routing/rules/0/routes: no route named "bouygues" (declared: sfr)']);
  });

  it("refuses a rate Orange does not sell, and a short code declared both in the profile and by hand", () => {
    expect(problemsOf({ orange: { host: 'h', port: 1, shortCodes: [{ number: '36123', password: 'a', ratePerSecond: 30 }] } })).toEqual([
      expect.stringMatching(/^\/orange\/shortCodes\/0\/ratePerSecond: .*10 \(standard\), 20, 50, 100 or 150/),
    ]);
    expect(
      problemsOf({
        routes: [{ name: 'sfr', protocol: 'smpp', host: 'h', port: 1, systemId: 'relais', password: 'p' }],
        shortCodes: [{ number: '36123', route: 'sfr', ratePerSecond: 10 }],
        orange: { host: 'h', port: 1, shortCodes: [{ number: '36123', password: 'a' }] },
      }),
    ).toEqual(['/shortCodes: short code 36123 is declared twice']);
  });

  it('refuses at start a short code outside the push-SMS ranges, saying why and what to use', () => {
    const problems = problemsOf({
      routes: [{ name: 'sfr', protocol: 'smpp', host: 'h', port: 1, systemId: 'relais', password: 'pw' }],
      shortCodes: [
        { number: '36123', route: 'sfr', ratePerSecond: 10 },
        { number: '12345', route: 'sfr', ratePerSecond: 10 },
        { number: '39001', route: 'sfr', ratePerSecond: 10 },
      ],
      simulator: { shortCode: '33000' },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\/shortCodes\/1\/number: "12345" is outside the push-SMS ranges 34ABC–38ABC: every message on it would be refused; use a short code allocated in 34ABC–38ABC/),
      expect.stringMatching(/^\/shortCodes\/2\/number: "39001" is outside/),
      expect.stringMatching(/^\/simulator\/shortCode: "33000" is outside/),
    ]);
    expect(() => parseConfig({ shortCodes: [{ number: '38100', route: 'simulator', ratePerSecond: 1 }], routes: [{ name: 'simulator', protocol: 'smpp', host: 'h', port: 1, systemId: 'relais', password: 'pw' }] })).not.toThrow();
  });
});
