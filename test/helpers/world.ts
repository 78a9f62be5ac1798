import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { loadConfig } from '../../src/config';
import { createIdentityService, trusted } from '../../src/identity/service';
import type { Role } from '../../src/identity/types';

/** Headers that authenticate as one actor of the test world. */
export type Actor = { id: string; name: string; role: Role | 'vendor_key'; organisationId: string; headers: Record<string, string> };

export type World = {
  regulator: string;
  vendorA: string;
  vendorB: string;
  centre: string;
  otherCentre: string;
  admin: Actor;
  rulesAdmin: Actor;
  /** Vendor A's API key and one of its users. */
  vendorKey: Actor;
  vendorUser: Actor;
  /** Vendor B: another vendor, who must never see vendor A's data. */
  otherVendorKey: Actor;
  reviewer: Actor;
  reviewer2: Actor;
  lead: Actor;
  lead2: Actor;
  /** A reviewer of another centre. */
  otherReviewer: Actor;
};

let counter = 0;

/**
 * Organisations, users and keys for a test: a regulator with an admin and a rules admin, two
 * vendors, and two certification centres with reviewers and lead reviewers. Users log in
 * through the API, so their headers carry a real session.
 */
export async function seedWorld(app: FastifyInstance, db: Knex): Promise<World> {
  const identity = createIdentityService({ db, config: loadConfig({ SESSION_TTL_HOURS: '12' }, { PASSWORD_SCRYPT_LOG2N: 14 }) });
  const cli = trusted({ type: 'cli', id: null, name: 'test', organisationId: null });
  const n = ++counter;
  const tag = `${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`;
  const org = (name: string, kind: 'vendor' | 'certification_centre' | 'regulator') => identity.createOrganisation(cli, { name: `${name} ${tag}`, kind });
  const [regulator, vendorA, vendorB, centre, otherCentre] = await Promise.all([
    org('Regulator', 'regulator'), org('Vendor A', 'vendor'), org('Vendor B', 'vendor'), org('Centre', 'certification_centre'), org('Other centre', 'certification_centre'),
  ]);
  const password = 'correct horse battery staple';
  const user = async (orgId: string, name: string, role: Role): Promise<Actor> => {
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${tag}@example.org`;
    const u = await identity.createUser(cli, orgId, { email, name, role, password });
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login of ${email} failed: ${res.body}`);
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    return { id: u.id, name, role, organisationId: orgId, headers: { cookie } };
  };
  const key = async (orgId: string, name: string): Promise<Actor> => {
    const k = await identity.createApiKey(cli, orgId, { name });
    return { id: k.apiKey.id, name, role: 'vendor_key', organisationId: orgId, headers: { authorization: `Bearer ${k.key}` } };
  };
  const [admin, rulesAdmin, vendorUser, reviewer, reviewer2, lead, lead2, otherReviewer, vendorKey, otherVendorKey] = await Promise.all([
    user(regulator.id, 'Admin', 'admin'),
    user(regulator.id, 'Rules Admin', 'rules_admin'),
    user(vendorA.id, 'Vendor User', 'vendor'),
    user(centre.id, 'Reviewer One', 'reviewer'),
    user(centre.id, 'Reviewer Two', 'reviewer'),
    user(centre.id, 'Lead One', 'lead_reviewer'),
    user(centre.id, 'Lead Two', 'lead_reviewer'),
    user(otherCentre.id, 'Other Reviewer', 'reviewer'),
    key(vendorA.id, 'ci'),
    key(vendorB.id, 'ci'),
  ]);
  return {
    regulator: regulator.id, vendorA: vendorA.id, vendorB: vendorB.id, centre: centre.id, otherCentre: otherCentre.id,
    admin, rulesAdmin, vendorKey, vendorUser, otherVendorKey, reviewer, reviewer2, lead, lead2, otherReviewer,
  };
}
