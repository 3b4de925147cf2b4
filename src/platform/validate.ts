import type { z } from 'zod';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { validationError, zodFieldErrors } from './errors.js';

/** Parses a service input with its zod schema; a failure is a VALIDATION_FAILED naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw validationError(zodFieldErrors(r.error, prefix));
  return r.data;
}

/**
 * The zod validator compiler, except that a request without a body (which fastify hands to the body validator as
 * null) reaches the schema as undefined, so an optional body (`Schema.optional()`) accepts a bodyless POST.
 */
export const zodValidatorCompiler: typeof validatorCompiler = (route) => {
  const validate = validatorCompiler(route);
  return route.httpPart === 'body' ? (data: unknown) => validate(data === null ? undefined : data) : validate;
};
