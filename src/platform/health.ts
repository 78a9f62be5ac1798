import type { FastifyInstance } from 'fastify';
import { pickLanguage } from '../classification/localize';
import type { Contract } from './contract';
import { dbHealth, faultReason, type Db } from './db';
import { AppError } from './errors';
import { operation } from './routes';

/** A readiness probe must answer quickly even when the database hangs. */
const READY_TIMEOUT_MS = 2000;

const REASONS_RU: Record<string, string> = {
  'no database connection became free in time (pool acquire timeout)': 'ни одно соединение с базой данных не освободилось вовремя (тайм-аут ожидания пула)',
  'a statement did not finish in time (statement timeout)': 'запрос к базе данных не завершился вовремя (тайм-аут запроса)',
  'the database refuses connections': 'база данных отклоняет соединения',
  'the database does not accept connections in time (connect timeout)': 'база данных не принимает соединения вовремя (тайм-аут соединения)',
  'the database is shutting down or starting': 'база данных останавливается или запускается',
  'the database has no free connection slots': 'у базы данных нет свободных соединений',
  'the connection to the database failed': 'соединение с базой данных прервалось',
  [`the database does not answer within ${READY_TIMEOUT_MS} ms`]: `база данных не отвечает в течение ${READY_TIMEOUT_MS} мс`,
};

export function healthRoutes(app: FastifyInstance, deps: { contract: Contract; db: Db }): void {
  operation(app, deps.contract, 'healthLive', async () => ({ status: 'ok' }), { logLevel: 'warn' });
  operation(app, deps.contract, 'healthReady', async (request) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { readyTimeout: true })), READY_TIMEOUT_MS); });
      // A probe always asks the database itself, so it reports the fault as it is now.
      dbHealth(deps.db)?.trialNext();
      await Promise.race([deps.db.raw('select 1'), timeout]);
    } catch (err) {
      // Says why: what the last fault was, or that this probe itself got no answer in time.
      const health = dbHealth(deps.db);
      const reason = (err as { readyTimeout?: boolean }).readyTimeout
        ? `the database does not answer within ${READY_TIMEOUT_MS} ms`
        : health?.reason ?? faultReason(err);
      const ru = pickLanguage(request.headers['accept-language']) === 'ru';
      const since = health?.since ? health.since.toISOString() : undefined;
      const e = ru
        ? new AppError(503, 'not-ready', 'Не готова', `База данных недоступна: ${REASONS_RU[reason] ?? reason}${since ? ` (с ${since})` : ''}`)
        : new AppError(503, 'not-ready', 'Not ready', `The database is unavailable: ${reason}${since ? ` (since ${since})` : ''}`);
      e.headers = { 'retry-after': String(health?.retryAfterSeconds ?? 2) };
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ok', database: 'ok' };
  }, { logLevel: 'warn' });
}
