/**
 * npm run bench: classification throughput as a ratio of a bare validated echo of the same
 * profiles, both measured in this run on this machine, plus in-process latency of one
 * classification (compiled predicates, and json-rules-engine itself for comparison).
 *
 * BENCH_SECONDS (default 2) sets the length of each load run, BENCH_ROUNDS (default 9) how many
 * service runs alternate with echo runs: many short rounds, so that the median ratio holds still
 * on a shared machine whose speed drifts from one ten seconds to the next. BENCH_CONNECTIONS
 * (default 16) sets how many requests are in flight at once.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import fc from 'fast-check';
import { classify, classifyReference } from '../src/classification/classify';
import { loadRegistry } from '../src/rulesets/registry';
import { profileArb } from '../test/helpers/arbitraries';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const profiles = fc.sample(profileArb, { numRuns: 256, seed: 2026 });
const bodies = profiles.map((p) => JSON.stringify(p));

function load(url: string, headers: Record<string, string> = {}): Promise<autocannon.Result> {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { 'content-type': 'application/json', ...headers },
        requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function latency() {
  const registry = loadRegistry(join(__dirname, '../rules'));
  const times = (n: number, f: (i: number) => void) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      f(i);
      out.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    return out.sort((a, b) => a - b);
  };
  times(2000, (i) => classify(registry, profiles[i % profiles.length]));
  const compiled = times(20000, (i) => classify(registry, profiles[i % profiles.length]));
  const reference: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = process.hrtime.bigint();
    await classifyReference(registry, profiles[i % profiles.length]);
    reference.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  reference.sort((a, b) => a - b);
  return { compiled, reference, packs: registry.active.map((p) => p.ruleset) };
}

async function main() {
  const child = fork(join(__dirname, 'servers.ts'), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<{ service: number; echo: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { service: number; echo: number }));
    child.once('exit', (code) => reject(new Error(`servers exited with ${code}`)));
  });
  try {
    // Warm both up, then alternate short runs of each (echo, service, echo, …): a slow spell of a
    // shared machine then touches both sides alike. Each service run is compared with the mean of
    // the echo runs either side of it; the ratio reported is the median of those.
    const echoUrl = `http://127.0.0.1:${ports.echo}/echo`;
    const serviceUrl = `http://127.0.0.1:${ports.service}/v1/classifications`;
    await load(echoUrl);
    await load(serviceUrl);
    const echoes: autocannon.Result[] = [await load(echoUrl)];
    const services: autocannon.Result[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      services.push(await load(serviceUrl));
      echoes.push(await load(echoUrl));
    }
    const lat = await latency();

    const all = [...echoes, ...services];
    const bad = all.reduce((n, x) => n + x.non2xx + x.errors, 0);
    const ratios = services.map((s, r) => s.requests.average / ((echoes[r].requests.average + echoes[r + 1].requests.average) / 2)).sort((a, b) => a - b);
    const ratio = ratios[Math.floor(ratios.length / 2)];
    const mean = (xs: autocannon.Result[]) => xs.reduce((n, x) => n + x.requests.average, 0) / xs.length;
    const worst = (xs: autocannon.Result[], key: 'p50' | 'p99') => Math.max(...xs.map((x) => x.latency[key]));
    const f = (n: number) => n.toFixed(1);
    console.log(`\nmedai-risk benchmark (${ROUNDS} rounds of ${SECONDS}s per server, ${CONNECTIONS} connection${CONNECTIONS === 1 ? '' : 's'}, ${bodies.length} distinct profiles)`);
    console.log(`rule packs: ${lat.packs.join(', ')}`);
    console.log(`baseline  validated echo          ${f(mean(echoes)).padStart(9)} req/s  p50 ${worst(echoes, 'p50')} ms  p99 ${worst(echoes, 'p99')} ms  (mean of ${echoes.length} runs)`);
    console.log(`service   POST /v1/classifications ${f(mean(services)).padStart(9)} req/s  p50 ${worst(services, 'p50')} ms  p99 ${worst(services, 'p99')} ms  (mean of ${services.length} runs)`);
    console.log(`throughput ratio (classification / echo): ${ratio.toFixed(2)}  (goal ≥ 0.50; per round: ${ratios.map((x) => x.toFixed(2)).join(', ')})`);
    const cp50 = percentile(lat.compiled, 50);
    const rp50 = percentile(lat.reference, 50);
    console.log(`in-process classification, all packs: p50 ${cp50.toFixed(1)} µs, p99 ${percentile(lat.compiled, 99).toFixed(1)} µs (compiled)`);
    console.log(`                   json-rules-engine: p50 ${rp50.toFixed(1)} µs, p99 ${percentile(lat.reference, 99).toFixed(1)} µs (reference; compiled is ${(rp50 / cp50).toFixed(0)}× faster)`);
    if (bad > 0) {
      console.error(`${bad} requests failed or answered non-2xx: the figures are not valid`);
      process.exitCode = 1;
    }
  } finally {
    child.send('stop');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
