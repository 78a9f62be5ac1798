import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * openapi.yaml is the single source of the HTTP contract. This module loads it once, inlines
 * its component references, and hands out per-operation request and response schemas, so
 * routes are validated (ajv) and serialized from the same document the clients read.
 */
type Json = Record<string, unknown>;
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Json };
type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
};

export type OperationSpec = {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path in OpenAPI form, `/v1/systems/{id}`. */
  path: string;
  /** The same path in fastify form, `/v1/systems/:id`. */
  url: string;
  body?: Json;
  querystring?: Json;
  params?: Json;
  responses: Record<string, Json>;
  /** `security: []` in openapi.yaml: open to anonymous callers. */
  public: boolean;
  /** The operation declares the `Idempotency-Key` header (only those replay; others ignore it). */
  idempotent: boolean;
};

export type Contract = {
  document: Json;
  operations: Map<string, OperationSpec>;
  schema: (name: string) => Json;
  /** Validates a response body against the contract (used by tests). */
  validateResponse: (operationId: string, status: number, body: unknown) => { valid: boolean; errors: string[] };
};

export const OPENAPI_FILE = resolve(__dirname, '../../openapi.yaml');

function deref(node: unknown, doc: Json, seen: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => deref(n, doc, seen));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Json;
  if (typeof obj.$ref === 'string') {
    const ref = obj.$ref;
    if (!ref.startsWith('#/')) throw new Error(`openapi.yaml: only local references are supported (${ref})`);
    if (seen.includes(ref)) throw new Error(`openapi.yaml: recursive reference ${ref}`);
    let target: unknown = doc;
    for (const part of ref.slice(2).split('/')) target = (target as Json)[part];
    if (target === undefined) throw new Error(`openapi.yaml: unresolved reference ${ref}`);
    return deref(target, doc, [...seen, ref]);
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) out[k] = deref(v, doc, seen);
  return out;
}

function paramsSchema(params: Parameter[], where: 'path' | 'query'): Json | undefined {
  const list = params.filter((p) => p.in === where);
  if (list.length === 0) return undefined;
  return {
    type: 'object',
    properties: Object.fromEntries(list.map((p) => [p.name, p.schema])),
    required: list.filter((p) => p.required).map((p) => p.name),
  };
}

export function newAjv(coerce = false) {
  const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: coerce, useDefaults: coerce });
  addFormats(ajv);
  return ajv;
}

let cached: Contract | undefined;

export function loadContract(file: string = OPENAPI_FILE): Contract {
  if (cached && file === OPENAPI_FILE) return cached;
  const document = parse(readFileSync(file, 'utf8')) as Json;
  const operations = new Map<string, OperationSpec>();
  const paths = document.paths as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, raw] of Object.entries(item)) {
      const op = deref(raw, document) as Operation;
      const params = op.parameters ?? [];
      const responses: Record<string, Json> = {};
      for (const [status, r] of Object.entries(op.responses)) {
        const schema = r.content?.['application/json']?.schema ?? r.content?.['application/problem+json']?.schema;
        if (schema) responses[status] = schema;
      }
      operations.set(op.operationId, {
        operationId: op.operationId,
        method: method.toUpperCase() as OperationSpec['method'],
        path,
        url: path.replace(/\{(\w+)\}/g, ':$1'),
        body: op.requestBody?.content['application/json']?.schema,
        querystring: paramsSchema(params, 'query'),
        params: paramsSchema(params, 'path'),
        responses,
        public: Array.isArray(op.security) && op.security.length === 0,
        idempotent: params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
      });
    }
  }
  const components = (document.components as Json).schemas as Json;
  const ajv = newAjv();
  const validators = new Map<string, ValidateFunction>();
  const contract: Contract = {
    document,
    operations,
    schema: (name) => {
      if (!components[name]) throw new Error(`openapi.yaml has no schema ${name}`);
      return deref(components[name], document) as Json;
    },
    validateResponse: (operationId, status, body) => {
      const op = operations.get(operationId);
      if (!op) return { valid: false, errors: [`unknown operation ${operationId}`] };
      const schema = op.responses[String(status)];
      if (!schema) return { valid: false, errors: [`${operationId} declares no response ${status}`] };
      const key = `${operationId}:${status}`;
      let v = validators.get(key);
      if (!v) {
        v = ajv.compile(schema);
        validators.set(key, v);
      }
      const valid = v(body) as boolean;
      return { valid, errors: (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`) };
    },
  };
  if (file === OPENAPI_FILE) cached = contract;
  return contract;
}
