// A non-secure origin for the demo: a host name that is not localhost, which the browsers reach
// through an HTTP proxy on loopback that sends it to the preview server on 127.0.0.1. Browsers
// treat only https, localhost and loopback addresses as secure contexts, so a page there has no
// crypto.randomUUID, Web Locks, crypto.subtle or navigator.storage, as on a LAN address or an
// intranet host. No traffic leaves the machine: the proxy connects to 127.0.0.1 alone, and
// refuses every other host.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A name under `.test`, which is reserved and resolves nowhere: only the proxy knows it. */
export const INSECURE_HOST = 'sqljs-migrate.test';

/** The URL of `url` (one of the preview server's, on 127.0.0.1) at the non-secure origin. */
export function atInsecureOrigin(url: string): string {
  const moved = new URL(url);
  moved.hostname = INSECURE_HOST;
  return moved.href;
}

/** A running proxy: its port on 127.0.0.1. */
export interface LoopbackProxy {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the proxy on a free port of 127.0.0.1. It forwards plain-http requests for
 * `INSECURE_HOST` (and for 127.0.0.1 itself, which some engines send through a proxy too) to the
 * same port on 127.0.0.1, with the Host header the preview server expects; anything else,
 * CONNECT included, is refused.
 */
export async function startLoopbackProxy(): Promise<LoopbackProxy> {
  const server = http.createServer((request, response) => {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      response.writeHead(400).end('The proxy takes absolute URLs only.');
      return;
    }
    if (
      target.protocol !== 'http:' ||
      ![INSECURE_HOST, '127.0.0.1', 'localhost'].includes(target.hostname) ||
      target.port === ''
    ) {
      response.writeHead(403).end(`The test proxy forwards only http://${INSECURE_HOST}:PORT.`);
      return;
    }
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: request.method,
        headers: { ...request.headers, host: `127.0.0.1:${target.port}` },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
    request.pipe(upstream);
  });
  server.on('connect', (_request, socket) => {
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
