import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors';
import { auditActor, SESSION_COOKIE, unauthorized, forbidden, type IdentityService } from './service';
import type { Principal, Role } from './types';

export type { AuditActor, Language, OrganisationKind, Principal, Role } from './types';
export { auditActor };

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; null when the request carries no credential. Set by registerAuthentication. */
    principal: Principal | null;
  }
}

export const WWW_AUTHENTICATE = 'Bearer realm="medai-risk"';

/** `Set-Cookie` for a new session, and for clearing it. */
export function sessionCookieHeader(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}
export const clearSessionCookieHeader = (secure: boolean) => sessionCookieHeader('', 0, secure);

/**
 * Sets `request.principal` on every request from its credentials (`Authorization: Bearer`,
 * `X-API-Key`, or the `medai_session` cookie). A bad credential is a 401 at once (and a bad
 * session cookie is cleared). Every 401 of the service carries `WWW-Authenticate: Bearer`.
 * Register it before the routes.
 */
export function registerAuthentication(app: FastifyInstance, identity: IdentityService, options: { cookieSecure?: boolean } = {}): void {
  app.decorateRequest('principal', null);
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      request.principal = await identity.authenticate(request.headers);
    } catch (err) {
      if (!(err instanceof AppError && err.status === 401)) throw err;
      // Logging in with a stale credential must work: there, a bad one counts as none.
      if (request.routeOptions.config?.operationId === 'login') return;
      // Pages and assets outside the API (the dashboard, the docs) load with a stale cookie too.
      if (request.routeOptions.config?.contract === false) return;
      // A rejected session cookie is cleared, so the browser stops sending it.
      const cookieOnly = !request.headers.authorization && !request.headers['x-api-key'];
      if (cookieOnly) reply.header('set-cookie', clearSessionCookieHeader(options.cookieSecure ?? false));
      throw err;
    }
  };
  // Synchronous when the request carries no credential (the public classification's hot path).
  app.addHook('onRequest', (request, reply, done) => {
    request.principal = null;
    const h = request.headers;
    if (h.authorization === undefined && h['x-api-key'] === undefined && h.cookie === undefined) return done();
    authenticate(request, reply).then(() => done(), done);
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', WWW_AUTHENTICATE);
    done(null, payload);
  });
}

/** The caller, or 401 when the request is anonymous. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('This operation needs an API key or a login session');
  return request.principal;
}

/** The caller when its role is one of `roles`: 401 when anonymous, 403 otherwise. */
export function requireRole(request: FastifyRequest, ...roles: Role[]): Principal {
  const principal = requirePrincipal(request);
  if (!roles.includes(principal.role)) throw forbidden(`This operation needs the role ${roles.join(' or ')}`);
  return principal;
}
