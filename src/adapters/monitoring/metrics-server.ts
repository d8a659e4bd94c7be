import { createServer, type Server } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Metrics } from './metrics.ts';

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** Required as "Authorization: Bearer <token>" when set. */
  token?: string | undefined;
}

/**
 * The Prometheus endpoint, GET /metrics, on its own admin listener (docs/monitoring.md, "Why a separate port"):
 * every process has one, whatever its roles, and it is never on the public API's address. With a token, a scrape
 * without it gets 401.
 */
export async function startMetricsServer(metrics: Metrics, options: MetricsServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const expected = options.token ? digest(options.token) : undefined;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    // A process without the api role has no /health of its own: the admin listener answers it (no token: it tells nothing).
    if (path === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : '{"status":"alive"}');
      return;
    }
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics or /health\n');
      return;
    }
    if (expected) {
      const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!given || !timingSafeEqual(digest(given), expected)) {
        response.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="relais-metrics"' }).end('send the metrics token as "Authorization: Bearer <token>"\n');
        return;
      }
    }
    metrics.scrape().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : body),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Same-length digests, so the comparison takes the same time whatever the token given. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
