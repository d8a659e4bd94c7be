/**
 * A newcomer's first start: `relais start` with no DATABASE_URL and no configuration, in an empty directory —
 * embedded PostgreSQL, built-in simulator, HTTP API, the printed API key — then a clean stop.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { relaisCommand } from '../support/cli.ts';


function startRelais(cwd: string): { child: ChildProcessWithoutNullStreams; output: () => string; banner: Promise<{ url: string; key: string }> } {
  const env: NodeJS.ProcessEnv = { ...process.env, RELAIS_HTTP_PORT: '0', RELAIS_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.RELAIS_CONFIG;
  const child = spawn(process.execPath, [...relaisCommand, 'start'], { cwd, env });
  let out = '';
  const banner = new Promise<{ url: string; key: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /HTTP API\s+(http:\/\/\S+)/.exec(out)?.[1];
      const key = /API key\s+(rl_\S+)/.exec(out)?.[1];
      if (url && key) resolve({ url, key });
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`relais exited with ${code}:\n${out}`)));
  });
  banner.catch(() => undefined); // awaited by the tests that need it
  return { child, output: () => out, banner };
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('relais start on embedded defaults, as a newcomer runs it', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'relais-newcomer-'));
  chmodSync(cwd, 0o755); // as a project directory is; mkdtemp makes it private
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('starts with nothing configured, delivers a message with the printed key, and stops cleanly', async () => {
    const relais = startRelais(cwd);
    try {
      const { url, key } = await relais.banner;
      expect(readFileSync(path.join(cwd, 'data', 'demo-api-key'), 'utf8').trim()).toBe(key);
      // The first sign-ins are printed once and saved beside the keys.
      for (const [email, file] of [['admin@localhost', 'admin-password'], ['demo@localhost', 'demo-password']]) {
        const password = readFileSync(path.join(cwd, 'data', file!), 'utf8').trim();
        expect(relais.output()).toContain(`Sign in         ${email} / ${password}`);
        const signIn = await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
        expect(signIn.status).toBe(200);
      }
      const sent = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        // exactly what the README's curl -d sends: JSON labelled as a form
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: '{"to":"+33612345678","text":"Hello","class":"transactional"}',
      });
      expect(sent.status).toBe(202);
      const { id } = (await sent.json()) as { id: string };
      let status = '';
      for (let i = 0; i < 100 && status !== 'delivered'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = ((await (await fetch(`${url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { status: string }).status;
      }
      expect(status).toBe('delivered');
    } finally {
      relais.child.kill('SIGTERM');
    }
    expect(await exited(relais.child)).toBe(0);
    // The embedded PostgreSQL stopped with Relais: its pid file is gone.
    expect(existsSync(path.join(cwd, 'data', 'postgres', 'cluster', 'postmaster.pid'))).toBe(false);
    expect(existsSync(path.join(cwd, 'data', 'relais.pid'))).toBe(false);
  }, 60_000);

  it('restarts on the same data without a new account, and refuses a second Relais on the same data', async () => {
    const first = startRelais(cwd);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => /Relais is running/.test(first.output()) && (clearInterval(timer), resolve()), 50);
        first.child.on('exit', () => (clearInterval(timer), reject(new Error(first.output()))));
      });
      expect(first.output()).not.toMatch(/API key\s+rl_/);
      expect(first.output()).not.toMatch(/Sign in\s+admin@localhost/);
      const second = startRelais(cwd);
      expect(await exited(second.child)).toBe(1);
      expect(second.output()).toMatch(/already running/);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await exited(first.child)).toBe(0);
  }, 60_000);
});
