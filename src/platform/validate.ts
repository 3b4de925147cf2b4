import type { z } from 'zod';
import { validationError, zodFieldErrors } from './errors.js';

/** Parses a service input with its zod schema; a failure is a VALIDATION_FAILED naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw validationError(zodFieldErrors(r.error, prefix));
  return r.data;
}
