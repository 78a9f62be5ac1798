import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from '../config';

type ConnectionConfig = Pick<Config, 'REQUEST_TIMEOUT_SECONDS' | 'HEADERS_TIMEOUT_SECONDS' | 'IDLE_TIMEOUT_SECONDS' | 'MAX_HEADER_BYTES' | 'MAX_CONNECTIONS'>;

/** Fastify's server options for the timeouts and the largest request head. */
export function connectionOptions(config: ConnectionConfig): Partial<FastifyServerOptions> {
  const idle = config.IDLE_TIMEOUT_SECONDS * 1000;
  return {
    requestTimeout: config.REQUEST_TIMEOUT_SECONDS * 1000,
    connectionTimeout: idle,
    // Shorter than the idle timeout, so an idle keep-alive connection is closed cleanly first.
    keepAliveTimeout: Math.max(1000, idle - 1000),
    // Passed to http.createServer.
    ...({ http: {
      maxHeaderSize: config.MAX_HEADER_BYTES,
      // How often Node looks for requests past their timeouts (its default is 30 s).
      connectionsCheckingInterval: Math.min(1000, Math.max(100, config.REQUEST_TIMEOUT_SECONDS * 250 || 1000)),
    } } as Partial<FastifyServerOptions>),
  };
}

/** The headers timeout (never over the request timeout, as Node requires) and the connection cap. */
export function registerConnectionLimits(app: FastifyInstance, config: ConnectionConfig): void {
  const request = config.REQUEST_TIMEOUT_SECONDS * 1000;
  const headers = config.HEADERS_TIMEOUT_SECONDS * 1000;
  app.server.headersTimeout = request > 0 ? Math.min(headers, request) : headers;
  if (config.MAX_CONNECTIONS > 0) app.server.maxConnections = config.MAX_CONNECTIONS;
}

const PROBLEMS: Record<string, { status: number; code: string; title: string; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408, code: 'request-timeout', title: 'Request timeout',
    detail: 'The request did not arrive in time; send it again faster. / Запрос не пришёл вовремя; отправьте его снова быстрее.',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431, code: 'headers-too-large', title: 'Request header fields too large',
    detail: 'The request line and headers are over the size limit. / Строка запроса и заголовки больше допустимого размера.',
  },
};
const BAD_REQUEST = { status: 400, code: 'bad-request', title: 'Bad request', detail: 'The request is not valid HTTP. / Запрос не является корректным HTTP.' };

/**
 * Errors on a connection before any request could be routed (a request that did not arrive in
 * time, a head over MAX_HEADER_BYTES, bytes that are not HTTP): answered as problem+json and the
 * connection closed. No request headers are known here, so the detail is in both languages.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const p = PROBLEMS[err.code ?? ''] ?? BAD_REQUEST;
  if (!socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy(err);
    return;
  }
  const body = JSON.stringify({ type: `https://medai-risk.dev/problems/${p.code}`, title: p.title, status: p.status, detail: p.detail });
  socket.end(`HTTP/1.1 ${p.status} ${STATUS_CODES[p.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
