/** A self-signed key and certificate for localhost (and 127.0.0.1), made with openssl for one test run. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  keyFile: string;
  certFile: string;
  /** What a client passes to trust it: the server's certificate is then really checked. */
  trust: { ca: Buffer; servername: string };
  remove(): void;
}

export function makeCertificate(): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'relais-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', certFile],
      { cwd: dir, stdio: 'pipe' },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'the TLS tests need the openssl command to make a self-signed certificate: install OpenSSL (e.g. apt-get install openssl)'
        : `openssl could not make the test certificate: ${(error as { stderr?: Buffer }).stderr?.toString() ?? error}`,
    );
  }
  return { keyFile, certFile, trust: { ca: readFileSync(certFile), servername: 'localhost' }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
