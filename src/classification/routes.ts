import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClassificationRecord } from './classify';
import type { Contract } from '../platform/contract';
import { perTurn } from '../platform/batch';
import { operation } from '../platform/routes';
import type { Registry } from '../rulesets/registry';
import type { Classifier } from './service';
import { pickLanguage } from './localize';
import { renderClassification } from './render';
import type { Profile } from './profile';
import { counterfactuals } from './counterfactuals';

const JSON_TYPE = 'application/json; charset=utf-8';
const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

export function classificationRoutes(app: FastifyInstance, deps: { contract: Contract; registry: Registry; classifier: Classifier }): void {
  const withCounterfactuals = (request: FastifyRequest, record: ClassificationRecord) => {
    const { include } = request.query as { include?: 'counterfactuals' };
    if (include === 'counterfactuals') record.counterfactuals = counterfactuals(deps.registry, request.body as Profile, record.results);
    return record;
  };
  // Rendered from memoized fragments of the rule packs (the hot path); same JSON as the contract's serializer.
  const render = (request: FastifyRequest, record: ClassificationRecord) => renderClassification(record, deps.registry, pickLanguage(request.headers['accept-language']));

  const { classifySync } = deps.classifier;
  if (!classifySync) {
    // json-rules-engine itself (RULES_EVALUATOR=reference): asynchronous, one request at a time.
    operation(app, deps.contract, 'classifyProfile', async (request, reply) =>
      reply.type(JSON_TYPE).send(render(request, withCounterfactuals(request, await deps.classifier.classify(request.body as Profile)))));
    return;
  }

  /**
   * Compiled packs classify synchronously, so the requests read in one turn of the event loop
   * are answered together (platform/batch): first every classification, then every rendering,
   * then every write. Each step then runs over a working set of one kind, where one request at
   * a time would interleave it with the HTTP work between requests (README, Speed). A request
   * that fails gets its own error; the others of its batch are answered as usual. A request for
   * counterfactuals (many re-evaluations, milliseconds) is answered on its own at once, so that
   * no cheap request waits for it.
   */
  type Pending = { request: FastifyRequest; reply: FastifyReply; answered: boolean };
  const finish = (item: Pending, body: Buffer | undefined, err: unknown) => {
    item.answered = true;
    if (body === undefined) item.reply.send(asError(err));
    else item.reply.type(JSON_TYPE).send(body);
  };
  const answer = perTurn<Pending>((batch) => {
    const n = batch.length;
    const records: Array<ClassificationRecord | undefined> = new Array(n);
    const bodies: Array<Buffer | undefined> = new Array(n);
    const errors: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      try {
        records[i] = classifySync(batch[i].request.body as Profile);
      } catch (err) {
        errors[i] = err;
      }
    }
    for (let i = 0; i < n; i++) {
      const record = records[i];
      if (record === undefined) continue;
      try {
        bodies[i] = render(batch[i].request, record);
      } catch (err) {
        errors[i] = err;
      }
    }
    for (let i = 0; i < n; i++) {
      try {
        finish(batch[i], bodies[i], errors[i]);
      } catch (err) {
        batch[i].request.log.error({ err }, 'the answer could not be sent');
      }
    }
  }, {
    // Only reached if something above throws outside its guards: answer whoever still waits.
    failed: (err, batch) => { for (const item of batch) if (!item.answered) finish(item, undefined, err); },
  });
  operation(app, deps.contract, 'classifyProfile', function classifyInTurn(request, reply) {
    if ((request.query as { include?: string }).include === 'counterfactuals') {
      reply.type(JSON_TYPE).send(render(request, withCounterfactuals(request, classifySync(request.body as Profile))));
      return;
    }
    answer({ request, reply, answered: false });
  });
}
