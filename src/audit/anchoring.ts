import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Knex } from 'knex';
import type { KeyRing } from '../platform/signing';
import { latestCheckpoint, makeCheckpoint, newAnchorState, verifyFully, verifyIncrementally, type AuditVerification, type Checkpoint } from './anchor';

export type VerificationJob = {
  id: string;
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  /** Entries read so far, of about `total` (counted when the job started). */
  checked: number;
  total: number;
  result: AuditVerification | null;
};

const KEEP_JOBS = 20;

/**
 * The anchored trail of one service process: checkpoints made every `checkpointSeconds` (and on
 * demand), incremental verification from the last checkpoint this process verified, and full
 * walks as background jobs with progress. The process's memory of its checkpoints is what the
 * database cannot roll back.
 */
export function createAuditAnchoring(deps: { db: Knex; ring: KeyRing; checkpointSeconds: number; log: FastifyBaseLogger; now?: () => Date }) {
  const { db, ring, log } = deps;
  const state = newAnchorState();
  const jobs = new Map<string, VerificationJob>();
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> | null = null;
  const pending = new Set<Promise<unknown>>();

  async function checkpoint(): Promise<{ checkpoint: Checkpoint | null; verification: AuditVerification }> {
    const out = await makeCheckpoint(db, ring, state, deps.now);
    if (!out.verification.valid) log.error({ firstBroken: out.verification.firstBroken }, 'audit trail broken: no checkpoint made');
    return out;
  }

  return {
    state,
    ring,
    checkpoint,
    verify: () => verifyIncrementally(db, ring, state),
    latest: () => latestCheckpoint(db),

    startFullVerification(): VerificationJob {
      const job: VerificationJob = { id: randomUUID(), state: 'running', startedAt: new Date().toISOString(), finishedAt: null, checked: 0, total: 0, result: null };
      jobs.set(job.id, job);
      for (const old of [...jobs.keys()].slice(0, Math.max(0, jobs.size - KEEP_JOBS))) jobs.delete(old);
      const run = (async () => {
        job.total = Number((await db('audit_log').count({ n: '*' }).first())!.n);
        job.result = await verifyFully(db, ring, state, (n) => { job.checked = n; });
        job.state = 'done';
      })().catch((err: Error) => {
        job.state = 'failed';
        log.error({ err }, 'full audit verification failed');
      }).finally(() => {
        job.finishedAt = new Date().toISOString();
        pending.delete(run);
      });
      pending.add(run);
      return job;
    },
    job: (id: string) => jobs.get(id),

    start(): void {
      if (deps.checkpointSeconds <= 0 || timer) return;
      timer = setInterval(() => {
        if (ticking) return;
        ticking = checkpoint().catch((err: Error) => log.error({ err }, 'audit checkpoint failed')).finally(() => { ticking = null; });
      }, deps.checkpointSeconds * 1000);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all([ticking, ...pending]);
    },
  };
}

export type AuditAnchoring = ReturnType<typeof createAuditAnchoring>;
