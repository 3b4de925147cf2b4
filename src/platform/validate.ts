import type { z } from 'zod';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { invalid, validationError, zodFieldErrors } from './errors.js';

/** Parses a service input with its zod schema; a failure is a VALIDATION_FAILED naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw validationError(zodFieldErrors(r.error, prefix));
  return r.data;
}

/**
 * Caps on every string and array a REST request carries where its schema sets none; openapi.ts declares the same
 * numbers as `maxLength` / `maxItems` on those schemas, so the document and the validator agree. A schema's own,
 * smaller bound is enforced by zod (no schema sets a larger one).
 */
export const INPUT_MAX_STRING = 10_000;
export const INPUT_MAX_ITEMS = 10_000;

/** The first value over a cap, as a field error (path in the problem's dotted form), or undefined. */
export function overCap(value: unknown, path: string): { path: string; message: string } | undefined {
  if (typeof value === 'string') return value.length > INPUT_MAX_STRING ? { path, message: `must be at most ${INPUT_MAX_STRING} characters` } : undefined;
  if (Array.isArray(value)) {
    if (value.length > INPUT_MAX_ITEMS) return { path, message: `must have at most ${INPUT_MAX_ITEMS} items` };
    for (let i = 0; i < value.length; i++) {
      const e = overCap(value[i], `${path}.${i}`);
      if (e) return e;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const e = overCap(v, `${path}.${k}`);
      if (e) return e;
    }
  }
  return undefined;
}

/**
 * The zod validator compiler, except that a request without a body (which fastify hands to the body validator as
 * null) reaches the schema as undefined, so an optional body (`Schema.optional()`) accepts a bodyless POST; and
 * strings and arrays over the input caps are refused before zod sees them. A whole-body string (a CSV body) is
 * bounded by the body limit instead.
 */
export const zodValidatorCompiler: typeof validatorCompiler = (route) => {
  const validate = validatorCompiler(route);
  const part = route.httpPart ?? 'body';
  return (data: unknown) => {
    if (data !== null && typeof data === 'object') {
      const e = overCap(data, part);
      if (e) return { error: invalid(e.path, e.message) };
    }
    return validate(part === 'body' && data === null ? undefined : data);
  };
};
