import { existsSync, readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { ShortCodeError } from '../core/numbers/errors.ts';
import { parseShortCode } from '../core/numbers/short-codes.ts';
import { ConfigSchema, roles, routeSchemas, type Config, type RouteConfig } from './schema.ts';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const defaultConfigFile = 'relais.config.json';

/**
 * Reads the file (when there is one), applies environment overrides, fills defaults and validates.
 * Environment: DATABASE_URL, RELAIS_HTTP_HOST, RELAIS_HTTP_PORT, RELAIS_ROLES (comma-separated),
 * RELAIS_LOG_LEVEL, RELAIS_DATA_DIR, RELAIS_PSEUDONYM_KEY.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.RELAIS_CONFIG ?? (existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
  return parseConfig(file ? readJson(file) : {}, env);
}

export function parseConfig(input: unknown, env: NodeJS.ProcessEnv = {}): Config {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ConfigError(['the configuration must be a JSON object']);
  const raw = structuredClone(input) as Record<string, Record<string, unknown>>;
  const section = (name: string) => (raw[name] ??= {});
  if (env.DATABASE_URL) section('database').url = env.DATABASE_URL;
  if (env.RELAIS_DATA_DIR) section('database').dataDir = env.RELAIS_DATA_DIR;
  if (env.RELAIS_HTTP_HOST) section('http').host = env.RELAIS_HTTP_HOST;
  if (env.RELAIS_HTTP_PORT) section('http').port = Number(env.RELAIS_HTTP_PORT);
  if (env.RELAIS_LOG_LEVEL) section('log').level = env.RELAIS_LOG_LEVEL;
  if (env.RELAIS_PSEUDONYM_KEY) section('retention').pseudonymKey = env.RELAIS_PSEUDONYM_KEY;
  if (env.RELAIS_ROLES) (raw as Record<string, unknown>).roles = env.RELAIS_ROLES.split(',').map((r) => r.trim());

  const config = Value.Default(ConfigSchema, raw) as Config;
  const problems = describeErrors(ConfigSchema, config);
  if (problems.length > 0) throw new ConfigError(problems);
  const expanded = withOrangeProfile(config);
  problems.push(...crossChecks(expanded));
  if (problems.length > 0) throw new ConfigError(problems);
  return expanded;
}

/**
 * Every schema problem, one line each. A route is checked against the schema of its own protocol, so that its
 * problems are named ("/routes/0/login: …") rather than "does not match any protocol".
 */
function describeErrors(schema: TSchema, value: unknown, prefix = ''): string[] {
  return [...Value.Errors(schema, value)].flatMap((e) => {
    const route = /^\/routes\/\d+$/.test(e.path) ? (value as Config).routes[Number(e.path.split('/')[2])] : undefined;
    if (route) return routeErrors(route, e.path);
    if (/^\/routes\/\d+\//.test(e.path)) return []; // reported with its route
    const hint = e.path.startsWith('/roles/') ? `one of ${roles.join(', ')}` : e.schema.description;
    return [`${prefix}${e.path || '/'}: ${e.message}${hint ? ` (${hint})` : ''}`];
  });
}

function routeErrors(route: unknown, path: string): string[] {
  const protocol = (route as { protocol?: unknown } | null)?.protocol;
  if (protocol !== 'smpp' && protocol !== 'ucp') return [`${path}/protocol: expected "smpp" or "ucp"`];
  return describeErrors(routeSchemas[protocol], Value.Default(routeSchemas[protocol], route), path);
}

/**
 * The Orange profile as plain routes and short codes: one UCP route per short code, named `orange-<number>`,
 * logged in as the short code with its own password, and the short code at its subscribed rate.
 */
function withOrangeProfile(config: Config): Config {
  if (!config.orange) return config;
  const { host, port, shortCodes, ...session } = config.orange;
  // Orange's offer carries only Orange subscribers (docs/routing.md).
  const orange = { operator: 'ORAN', subscribersOnly: true };
  const routes = shortCodes.map(
    ({ number, password }) => Value.Default(routeSchemas.ucp, { name: `orange-${number}`, protocol: 'ucp', host, port, login: number, password, ...session, ...orange }) as RouteConfig,
  );
  return {
    ...config,
    routes: [...config.routes, ...routes],
    shortCodes: [...config.shortCodes, ...shortCodes.map(({ number, ratePerSecond, alsoOn }) => ({ number, route: `orange-${number}`, ratePerSecond, ...(alsoOn ? { alsoOn } : {}) }))],
  };
}

function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  const names = config.routes.map((r) => r.name);
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) problems.push(`/routes: route "${name}" is declared twice`);
  const numbers = config.shortCodes.map((s) => s.number);
  for (const n of new Set(numbers.filter((x, i) => numbers.indexOf(x) !== i))) problems.push(`/shortCodes: short code ${n} is declared twice`);
  config.shortCodes.forEach((s, i) => {
    if (!names.includes(s.route)) problems.push(`/shortCodes/${i}/route: no route named "${s.route}" (declared: ${names.join(', ') || 'none'})`);
    for (const other of s.alsoOn ?? []) if (!names.includes(other)) problems.push(`/shortCodes/${i}/alsoOn: no route named "${other}" (declared: ${names.join(', ')})`);
    const outside = outsidePushRanges(s.number);
    if (outside) problems.push(`/shortCodes/${i}/number: ${outside}`);
  });
  config.routing.rules.forEach((rule, i) => {
    for (const route of rule.routes) if (!names.includes(route)) problems.push(`/routing/rules/${i}/routes: no route named "${route}" (declared: ${names.join(', ') || 'none'})`);
  });
  const simulated = outsidePushRanges(config.simulator.shortCode);
  if (simulated) problems.push(`/simulator/shortCode: ${simulated}`);
  return problems;
}

/**
 * Why a short code can carry no message: outside 34ABC–38ABC, every message on it would be refused by the
 * compliance rules (docs/compliance.md), so such a configuration is refused at start instead.
 */
function outsidePushRanges(number: string): string | undefined {
  try {
    parseShortCode(number);
    return undefined;
  } catch (error) {
    if (!(error instanceof ShortCodeError)) throw error;
    return `${error.message}: every message on it would be refused; use a short code allocated in 34ABC–38ABC (36ABC for transactional and marketing traffic)`;
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`cannot read ${file}: ${(error as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${file} is not valid JSON: ${(error as Error).message}`]);
  }
}
