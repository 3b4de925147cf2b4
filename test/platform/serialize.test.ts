import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { ProblemSchema } from '../../src/platform/http.js';
import { pageSchema } from '../../src/platform/pagination.js';
import { compiledResponseSchema, responseSerializerCompiler } from '../../src/platform/serialize.js';

const route = (schema: z.ZodType) => ({ schema, method: 'GET', url: '/x', httpStatus: '200' });
const zodJson = (schema: z.ZodType, data: unknown) => zodSerializerCompiler(route(schema) as never)(data);

describe('compiled response serialisation', () => {
  it('writes a problem byte for byte as zod does: optional fields in schema order, extra members kept', () => {
    // code (required) comes after detail (optional) in the schema: fast-json-stringify alone writes required ones first
    expect(compiledResponseSchema(ProblemSchema)).toBeDefined();
    const problem = {
      code: 'CONFLICT',
      type: '/problems/conflict',
      instance: '/v1/partners',
      title: 'Conflict',
      status: 409,
      detail: 'taken',
      errors: [{ path: 'code', message: 'is already used' }],
      existingId: 'p-1',
    };
    const out = responseSerializerCompiler(route(ProblemSchema) as never)(problem);
    expect(out).toBe(zodJson(ProblemSchema, problem));
    expect(Object.keys(JSON.parse(out))).toEqual(['type', 'title', 'status', 'detail', 'code', 'instance', 'errors', 'existingId']);
  });

  it('writes a page of rows with nulls, optional fields and a strict object as zod does', () => {
    const Row = z.object({ id: z.string(), note: z.string().optional(), amount: z.string().nullable(), n: z.number().int(), on: z.boolean() });
    const Page = pageSchema(Row);
    const data = {
      data: [
        { id: 'a', amount: null, n: 1, on: true, extra: 'dropped' },
        { id: 'b"\\\u2028', note: 'x', amount: '12.50', n: -3, on: false },
      ],
      nextCursor: null,
    };
    expect(responseSerializerCompiler(route(Page) as never)(data)).toBe(zodJson(Page, data));
  });

  it('with the check on (the test suite: test/helpers/setup.ts), a response zod refuses fails instead of being written', () => {
    const serialize = responseSerializerCompiler(route(z.object({ id: z.string() })) as never);
    expect(serialize({ id: 'a' })).toBe('{"id":"a"}');
    expect(() => serialize({ id: 5 })).toThrow();
  });
});
