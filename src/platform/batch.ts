/**
 * Work handed in during one turn of the event loop, done together at the end of that turn.
 *
 * Under load a turn reads many requests at once (one per ready socket). Handling each to the end
 * as it arrives interleaves CPU-heavy work with HTTP parsing and socket writes, which evict that
 * work's code and data from the processor's caches every time. `perTurn` queues the items and
 * hands them to `run` in the same turn's check phase (setImmediate), so `run` can do one step for
 * every item before the next step. Nothing waits for a later turn: an item handed in alone is
 * run in the turn it arrived in, a few microseconds later.
 *
 * `run` gets at most `max` items at a time (in arrival order), which bounds how many others the
 * first of them waits for (keep work of very different cost out of one batch). `run` answers
 * each item itself; should it throw, `failed` gets the error and the items of that call (so it
 * can answer those not yet answered), and the remaining items still run; should `failed` throw
 * too, that is reported as a process warning and the remaining items still run.
 */
export function perTurn<T>(run: (items: readonly T[]) => void, options: { max?: number; failed: (err: unknown, items: readonly T[]) => void }): (item: T) => void {
  const max = options.max ?? 32;
  if (!(Number.isInteger(max) && max > 0)) throw new Error(`perTurn: max must be a positive integer (got ${max})`);
  let queue: T[] = [];
  const flush = () => {
    const items = queue;
    queue = [];
    for (let i = 0; i < items.length; i += max) {
      const chunk = items.length <= max ? items : items.slice(i, i + max);
      try {
        run(chunk);
      } catch (err) {
        try {
          options.failed(err, chunk);
        } catch (again) {
          // Nothing left to answer with: the other chunks still run, and the error is reported.
          const error = again as { message?: unknown; stack?: unknown };
          process.emitWarning(String(error?.message ?? again), { type: 'PerTurnFailed', detail: typeof error?.stack === 'string' ? error.stack : undefined });
        }
      }
    }
  };
  return (item: T) => {
    if (queue.push(item) === 1) setImmediate(flush);
  };
}
