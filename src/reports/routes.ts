import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { CertificationService } from '../certification/service';
import type { Config } from '../config';
import type { Contract } from '../platform/contract';
import type { Registry } from '../rulesets/registry';

export type ReportDeps = { contract: Contract; db: Knex; registry: Registry; certification: CertificationService; config: Config };

/** Assessment reports (PDF), the public registry (JSON, CSV) and per-centre decision exports. */
export function reportRoutes(_app: FastifyInstance, _deps: ReportDeps): void {
  // Filled in by the reports module.
}
