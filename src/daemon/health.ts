/**
 * The daemon's HTTP endpoints (node:http, read-only): `/healthz` (the process is alive),
 * `/readyz`, `/metrics` (Prometheus text) and `/status` (JSON, no raw control character: `curl`
 * on a terminal shows names escaped). Serves what it is given; it never triggers or changes anything.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeJsonControls } from '../model/display.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Logger } from '../model/logger.js';
import type { DaemonStatus, Readiness } from './status.js';

/** Where to listen. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** What the endpoints read. */
export interface HealthSources {
  readiness(): Readiness;
  status(): DaemonStatus;
  metrics(): Promise<{ contentType: string; body: string }>;
}

/** A listening server. */
export interface HealthServer {
  /** `http://host:port` as bound (the real port when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

/** Starts the server; fails with LISTEN_FAILED when the address cannot be bound. */
export async function serveHealth(address: ListenAddress, sources: HealthSources, logger: Logger): Promise<HealthServer> {
  const server = createServer((req, res) => {
    handle(req, res, sources).catch((error: unknown) => {
      logger.error('health endpoint failed', { path: req.url, error: (error as Error).message });
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CkptError('LISTEN_FAILED', `cannot listen on ${address.host}:${address.port} (${error.code ?? error.message})`, {
          hint: HINTS.listen,
          cause: error,
        }),
      ),
    );
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, sources: HealthSources): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  switch (path) {
    case '/healthz':
      send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      return;
    case '/readyz': {
      const readiness = sources.readiness();
      send(res, readiness.ready ? 200 : 503, 'application/json', `${escapeJsonControls(JSON.stringify(readiness))}\n`);
      return;
    }
    case '/metrics': {
      const { contentType, body } = await sources.metrics();
      send(res, 200, contentType, body);
      return;
    }
    case '/status':
      send(res, 200, 'application/json', `${escapeJsonControls(JSON.stringify(sources.status(), null, 2))}\n`);
      return;
    default:
      send(res, 404, 'text/plain; charset=utf-8', 'not found: try /healthz, /readyz, /metrics or /status\n');
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
