import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import type { Contract } from '../platform/contract';
import { operation } from '../platform/routes';
import { clearSessionCookieHeader, requirePrincipal, sessionCookieHeader } from './auth';
import type { ApiKeyRow, OrganisationRow, UserRow } from './repository';
import { asPrincipal, credentialOf, type IdentityService } from './service';
import type { Language, OrganisationKind, Role } from './types';

export const organisationDto = (o: OrganisationRow) => ({ id: o.id, name: o.name, kind: o.kind, createdAt: o.createdAt });
export const userDto = (u: UserRow) => ({
  id: u.id, email: u.email, name: u.name, role: u.role, organisationId: u.organisationId, language: u.language, createdAt: u.createdAt, disabled: u.disabledAt !== null,
});
export const apiKeyDto = (k: ApiKeyRow) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt, revokedAt: k.revokedAt, lastUsedAt: k.lastUsedAt });

/** Login sessions, the caller, organisations, users and API keys (openapi.yaml tag `identity`). */
export function identityRoutes(app: FastifyInstance, deps: { contract: Contract; identity: IdentityService; config: Pick<Config, 'SESSION_TTL_HOURS' | 'COOKIE_SECURE'> }): void {
  const { contract, identity, config } = deps;
  const caller = (request: Parameters<typeof requirePrincipal>[0]) => asPrincipal(requirePrincipal(request), String(request.id));

  operation(app, contract, 'login', async (request, reply) => {
    const body = request.body as { email: string; password: string };
    const session = await identity.login(body, { requestId: String(request.id) });
    // The session's lifetime (not computed from expiresAt: the service's clock may be a test's).
    const maxAge = config.SESSION_TTL_HOURS * 3600;
    reply.header('set-cookie', sessionCookieHeader(session.token, maxAge, config.COOKIE_SECURE)).header('cache-control', 'no-store');
    request.log.info({ userId: session.principal.id }, 'logged in');
    return { principal: session.principal, expiresAt: session.expiresAt };
  });

  operation(app, contract, 'logout', async (request, reply) => {
    const by = caller(request);
    // The session to end is the one the request authenticated with (cookie or bearer token);
    // an API key has none, and its logout only clears a cookie.
    const token = by.principal.kind === 'user' ? credentialOf(request.headers)?.token ?? null : null;
    await identity.logout(token, by);
    reply.header('set-cookie', clearSessionCookieHeader(config.COOKIE_SECURE));
    return reply.status(204).send();
  });

  operation(app, contract, 'getMe', async (request) => requirePrincipal(request));

  operation(app, contract, 'updateMe', async (request) => {
    const { language } = request.body as { language: Language };
    return identity.updateLanguage(caller(request), language);
  });

  operation(app, contract, 'listOrganisations', async (request) => {
    const { kind } = request.query as { kind?: OrganisationKind };
    return { items: (await identity.listOrganisations(caller(request), { kind })).map(organisationDto) };
  });

  operation(app, contract, 'createOrganisation', async (request, reply) => {
    const org = await identity.createOrganisation(caller(request), request.body as { name: string; kind: OrganisationKind });
    reply.status(201);
    return organisationDto(org);
  });

  operation(app, contract, 'listUsers', async (request) => {
    const { id } = request.params as { id: string };
    return { items: (await identity.listUsers(caller(request), id)).map(userDto) };
  });

  operation(app, contract, 'createUser', async (request, reply) => {
    const { id } = request.params as { id: string };
    const user = await identity.createUser(caller(request), id, request.body as { email: string; name: string; role: Role; password: string; language?: Language });
    reply.status(201);
    return userDto(user);
  });

  operation(app, contract, 'listApiKeys', async (request) => {
    const { id } = request.params as { id: string };
    return { items: (await identity.listApiKeys(caller(request), id)).map(apiKeyDto) };
  });

  operation(app, contract, 'createApiKey', async (request, reply) => {
    const { id } = request.params as { id: string };
    const { apiKey, key } = await identity.createApiKey(caller(request), id, request.body as { name: string });
    reply.status(201).header('cache-control', 'no-store');
    return { ...apiKeyDto(apiKey), key };
  });

  operation(app, contract, 'revokeApiKey', async (request) => {
    const { id, keyId } = request.params as { id: string; keyId: string };
    return apiKeyDto(await identity.revokeApiKey(caller(request), { organisationId: id, keyId }));
  });
}
