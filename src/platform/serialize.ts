import fastJson from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Response serialisation compiled from the route's zod response schema: the schema's JSON Schema (`z.toJSONSchema`,
 * output side, the one OpenAPI documents) handed to fast-json-stringify once per route and status, instead of the
 * zod type provider's encode-then-`JSON.stringify` on every response (issue 15: ~8% of the CPU of a read, and
 * garbage). The output is the same JSON: the properties the schema declares (extra keys of a strict object are left
 * out, as zod strips them; a loose object keeps them), absent optional fields left out, nulls as null, strings
 * (money, dates, ids) as the strings the services produce.
 *
 * A schema whose wire form zod would compute (a transform, pipe or codec, a default, a catch, a custom check, dates,
 * bigints, maps, sets, tuples, intersections, lazy or recursive schemas) keeps the zod serializer: exactness over
 * speed where the two could differ.
 */
const ZOD_ONLY = new Set([
  'pipe',
  'transform',
  'default',
  'prefault',
  'catch',
  'custom',
  'date',
  'bigint',
  'map',
  'set',
  'intersection',
  'tuple',
  'file',
  'promise',
  'function',
  'nan',
  'symbol',
  'undefined',
  'void',
  'never',
  'success',
  'lazy',
]);

type Json = Record<string, unknown>;

/** JSON Schema for fast-json-stringify, or undefined when zod must serialise this schema itself. */
export function compiledResponseSchema(schema: z.ZodType): Json | undefined {
  let zodOnly = false;
  let json: Json;
  try {
    json = z.toJSONSchema(schema, {
      io: 'output',
      target: 'draft-7',
      unrepresentable: 'throw',
      cycles: 'throw',
      override: (ctx) => {
        if (ZOD_ONLY.has((ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type)) zodOnly = true;
      },
    }) as Json;
  } catch {
    return undefined;
  }
  if (zodOnly) return undefined;
  const definitions = (json['definitions'] ?? {}) as Record<string, Json>;
  const inline = (node: unknown, seen: ReadonlySet<string>): unknown => {
    if (Array.isArray(node)) return node.map((n) => inline(n, seen));
    if (!node || typeof node !== 'object') return node;
    const o = node as Json;
    const ref = o['$ref'];
    if (typeof ref === 'string') {
      const name = ref.replace(/^#\/definitions\//, '');
      const target = definitions[name];
      if (!target || seen.has(name)) throw new Error(`unresolvable $ref ${ref}`);
      return inline(target, new Set([...seen, name]));
    }
    const out: Json = {};
    for (const [k, v] of Object.entries(o)) {
      // validation keywords mean nothing to a serialiser; `format` would switch strings to Date handling
      if (k === '$schema' || k === 'definitions' || k === 'pattern' || k === 'format' || k === 'description' || k === 'enum') continue;
      out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, inline(s, seen)])) : inline(v, seen);
    }
    return nullableAsType(requiredInSchemaOrder(out));
  };
  try {
    return inline(json, new Set()) as Json;
  } catch {
    return undefined;
  }
}

/**
 * fast-json-stringify writes an object's required properties first, then the optional ones; zod writes them in the
 * schema's order. Where the two orders differ (an optional property before a required one, as in Problem) the
 * `required` list is left out so the output keeps zod's order byte for byte (it only made fast-json-stringify throw
 * on a missing property, a response zod would have refused too).
 */
function requiredInSchemaOrder(o: Json): Json {
  const required = o['required'];
  const properties = o['properties'];
  if (!Array.isArray(required) || !properties || typeof properties !== 'object') return o;
  const keys = Object.keys(properties);
  const firstOptional = keys.findIndex((k) => !required.includes(k));
  if (firstOptional < 0 || keys.slice(firstOptional).every((k) => !required.includes(k))) return o;
  const { required: _dropped, ...rest } = o;
  return rest;
}

/** `anyOf: [X, {type: 'null'}]` with a single-typed X becomes X with `type: [X.type, 'null']`: no per-value branch test. */
function nullableAsType(o: Json): Json {
  const any = o['anyOf'];
  if (!Array.isArray(any) || any.length !== 2 || Object.keys(o).length !== 1) return o;
  const nullAt = any.findIndex((b: Json) => b['type'] === 'null' && Object.keys(b).length === 1);
  if (nullAt < 0) return o;
  const other = any[1 - nullAt] as Json;
  if (typeof other['type'] !== 'string' || other['type'] === 'null' || 'anyOf' in other || 'oneOf' in other || 'const' in other) return o;
  return { ...other, type: [other['type'], 'null'] };
}

type CompilerInput = Parameters<typeof zodSerializerCompiler>[0];

/**
 * When on (the test suite turns it on for every test file: test/helpers/setup.ts) every compiled serialisation is
 * checked against the zod serializer's output for the same value: a response zod would refuse, or whose JSON differs
 * by one byte, fails the request with an error naming the route (a 500 in the test that made it). Production does
 * not pay for it. Set before the routes are registered (the serializers are compiled then).
 */
let checkAgainstZod = false;
export function setSerializationCheck(on: boolean): void {
  checkAgainstZod = on;
}

class SerializationMismatchError extends Error {
  constructor(route: string, compiled: string, zod: string) {
    super(`compiled response serialisation of ${route} differs from zod's:\n  compiled: ${compiled}\n  zod:      ${zod}`);
  }
}

/**
 * Fastify serializer compiler: fast-json-stringify from the zod schema when it maps one to one (see above), else
 * the zod type provider's serializer. Set where the zod serializer was set (every module plugin).
 */
export function responseSerializerCompiler(route: CompilerInput): (data: unknown) => string {
  const schema = route.schema as unknown;
  const json = schema instanceof z.ZodType ? compiledResponseSchema(schema) : undefined;
  const zod = zodSerializerCompiler(route);
  if (!json) return zod;
  const compiled = fastJson(json as unknown as Parameters<typeof fastJson>[0]);
  if (!checkAgainstZod) return compiled;
  const name = `${route.method} ${route.url} ${String(route.httpStatus)}`;
  return (data: unknown) => {
    const expected = zod(data); // a response zod refuses (it does not match its schema) fails here
    const out = compiled(data);
    if (out !== expected) {
      const e = new SerializationMismatchError(name, out, expected);
      process.stderr.write(`${e.message}\n`); // the test sees a 500; this says why
      throw e;
    }
    return out;
  };
}
