/**
 * The live-traffic contract check: every response the test client receives is held against openapi.yaml (the
 * operation, the status, the media type, the body schema, the declared headers). A drift throws an error naming the
 * operation and what differs, so the test that made the call fails. The document is parsed and schemas compiled
 * once per worker, lazily, per (operation, status, media type).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';

type Json = Record<string, any>;
interface Route {
  method: string;
  template: string;
  re: RegExp;
  params: number;
  op: Json;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
let state: { doc: Json; routes: Route[]; ajv: Ajv2020; cache: Map<string, ValidateFunction> } | undefined;

function load() {
  if (state) return state;
  const doc = YAML.parse(readFileSync(resolve(import.meta.dirname, '../../openapi.yaml'), 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'oas', components: doc.components });
  const routes: Route[] = [];
  for (const [template, ops] of Object.entries(doc.paths as Json)) {
    const re = new RegExp('^' + template.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`)).replace(/\{[^}]+\}/g, '[^/:]+') + '$');
    for (const [method, op] of Object.entries(ops as Json))
      routes.push({ method: method.toUpperCase(), template, re, params: (template.match(/\{/g) ?? []).length, op });
  }
  routes.sort((a, b) => a.params - b.params); // literal segments win over parameters
  state = { doc, routes, ajv, cache: new Map() };
  return state;
}

const deref = (doc: Json, node: Json): Json => {
  let n = node;
  while (n && typeof n.$ref === 'string')
    n = n.$ref
      .split('/')
      .slice(1)
      .reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  return n;
};
const toOas = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"oas#/components/'));

export interface Observed {
  method: string;
  url: string;
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Checks one response; returns the problems found (empty when it matches the document). */
export function contractProblems(res: Observed): string[] {
  const path = res.url.split('?')[0]!;
  if (!path.startsWith('/v1/')) return [];
  const { doc, routes, ajv, cache } = load();
  const method = res.method.toUpperCase();
  const route = routes.find((r) => r.method === method && r.re.test(path));
  if (!route) {
    // an unknown route may be asked on purpose; answering it with a success is a drift
    return res.status < 400 ? [`${method} ${path} answered ${res.status} but openapi.yaml has no such operation`] : [];
  }
  const where = `${method} ${route.template} (${route.op.operationId ?? '?'}) answered ${res.status}`;
  const declared = route.op.responses as Json;
  const key = String(res.status) in declared ? String(res.status) : `${String(res.status)[0]}XX` in declared ? `${String(res.status)[0]}XX` : 'default';
  if (!(key in declared)) return [`${where}, which openapi.yaml does not declare (declared: ${Object.keys(declared).join(', ')})`];
  const spec = deref(doc, declared[key]);
  const out: string[] = [];
  const ctype = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  const content = (spec.content ?? {}) as Json;
  if (!res.body) {
    if (Object.keys(content).length && res.status !== 304 && method !== 'HEAD')
      out.push(`${where} with an empty body; declared: ${Object.keys(content).join(', ')}`);
  } else if (!(ctype in content)) {
    out.push(`${where} with content-type '${ctype}'; declared: ${Object.keys(content).join(', ') || 'no body'}`);
  } else if (ctype.includes('json')) {
    const id = `${route.op.operationId}|${key}|${ctype}`;
    let validate = cache.get(id);
    if (!validate) {
      validate = ajv.compile(toOas(content[ctype].schema ?? {}) as object);
      cache.set(id, validate);
    }
    if (!validate(JSON.parse(res.body))) {
      const errs = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message} (${e.schemaPath})`);
      out.push(`${where} with a body that does not match its schema: ${errs.join('; ')}`);
    }
  }
  for (const [name, h] of Object.entries((spec.headers ?? {}) as Json)) {
    const header = deref(doc, h);
    const value = res.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) out.push(`${where} without the required header ${name}`);
      continue;
    }
    const schema = header.schema ?? {};
    const v = schema.type === 'integer' || schema.type === 'number' ? Number(value) : String(value);
    const hid = `header|${name}|${JSON.stringify(schema)}`;
    let validate = cache.get(hid);
    if (!validate) {
      validate = ajv.compile(toOas(schema) as object);
      cache.set(hid, validate);
    }
    if (!validate(v)) out.push(`${where} with header ${name}: '${String(value)}' does not match ${JSON.stringify(schema)}`);
  }
  return out;
}

/** Throws when the response differs from openapi.yaml (the test that made the call fails with the reason). */
export function assertContract(res: Observed): void {
  const problems = contractProblems(res);
  if (problems.length) throw new Error(`Response differs from openapi.yaml:\n  ${problems.join('\n  ')}`);
}
