import type { FastifyInstance } from 'fastify';

/** The reviewer dashboard at /dashboard: static files built from src/dashboard/web. */
export async function dashboardRoutes(_app: FastifyInstance): Promise<void> {
  // Filled in by the dashboard module.
}
