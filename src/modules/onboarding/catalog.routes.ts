import type { FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { etag, IdParams, problems } from '../../platform/http.js';
import { ImportQuery, ImportReportSchema, importsOf, serveImport } from '../../platform/imports.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import type { Store } from '../../platform/store.js';
import {
  CatalogListQuery,
  ImportBody,
  Product,
  ProductCreate,
  ProductLine,
  ProductLineCreate,
  ProductLineUpdate,
  ProductListQuery,
  ProductUpdate,
  Territory,
  TerritoryCreate,
  TerritoryListQuery,
  TerritoryUpdate,
} from './catalog.schemas.js';
import type { CatalogService } from './catalog.service.js';

/** Import routes stream their body: the documented CSV/NDJSON body is not validated as a string. */
export const importValidator: typeof validatorCompiler = (route) =>
  route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route);

export function registerCatalogImports(store: Store, catalog: CatalogService) {
  importsOf(store).register('onboarding.product_lines', (a) => catalog.lineImport(a));
  importsOf(store).register('onboarding.products', (a) => catalog.productImport(a));
  importsOf(store).register('onboarding.territories', (a) => catalog.territoryImport(a));
}

export async function catalogRoutes(app: FastifyInstance, store: Store, catalog: CatalogService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['catalog'];

  r.post(
    '/v1/onboarding/territories/gbt2260',
    {
      schema: {
        tags,
        operationId: 'seedTerritoryDivisions',
        summary: 'Seed the national administrative divisions (GB/T 2260: province > city > district) to a depth; idempotent',
        body: z.strictObject({ depth: z.enum(['province', 'city', 'district']).default('district') }),
        response: {
          200: z.object({ depth: z.string(), created: z.number().int(), existing: z.number().int() }).meta({ id: 'TerritorySeedResult' }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => catalog.seedDivisions(actorOf(request), request.body),
  );

  const resources = [
    {
      path: 'product-lines',
      op: 'ProductLine',
      ops: 'ProductLines',
      kind: 'onboarding.product_lines',
      schema: ProductLine,
      create: ProductLineCreate,
      update: ProductLineUpdate,
      query: CatalogListQuery,
      svc: {
        create: catalog.createLine.bind(catalog),
        update: catalog.updateLine.bind(catalog),
        get: catalog.getLine.bind(catalog),
        list: catalog.listLines.bind(catalog) as (a: never, q: never) => Promise<{ items: unknown[]; nextCursor: string | null }>,
      },
      columns: 'code,name,active',
    },
    {
      path: 'products',
      op: 'Product',
      ops: 'Products',
      kind: 'onboarding.products',
      schema: Product,
      create: ProductCreate,
      update: ProductUpdate,
      query: ProductListQuery,
      svc: {
        create: catalog.createProduct.bind(catalog),
        update: catalog.updateProduct.bind(catalog),
        get: catalog.getProduct.bind(catalog),
        list: catalog.listProducts.bind(catalog) as (a: never, q: never) => Promise<{ items: unknown[]; nextCursor: string | null }>,
      },
      columns: 'code,name,lineCode,unit,active',
    },
    {
      path: 'territories',
      op: 'Territory',
      ops: 'Territories',
      kind: 'onboarding.territories',
      schema: Territory,
      create: TerritoryCreate,
      update: TerritoryUpdate,
      query: TerritoryListQuery,
      svc: {
        create: catalog.createTerritory.bind(catalog),
        update: catalog.updateTerritory.bind(catalog),
        get: catalog.getTerritory.bind(catalog),
        list: catalog.listTerritories.bind(catalog) as (a: never, q: never) => Promise<{ items: unknown[]; nextCursor: string | null }>,
      },
      columns: 'code,name,parentCode,level,active (parents before children, or in the same file)',
    },
  ] as const;

  for (const res of resources) {
    const base = `/v1/onboarding/${res.path}`;
    r.post(
      base,
      {
        schema: {
          tags,
          operationId: `create${res.op}`,
          summary: `Create a ${res.op}`,
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          body: res.create,
          response: { 201: res.schema, ...problems(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) => {
        const out = (await res.svc.create(actorOf(request), request.body)) as never as { id: string; version: number };
        return reply
          .code(201)
          .header('location', `${base}/${out.id}`)
          .header('etag', etag(out.version))
          .send(out as never);
      },
    );
    r.get(
      base,
      {
        schema: {
          tags,
          operationId: `list${res.ops}`,
          summary: `List ${res.ops} (cursor pagination)`,
          querystring: PageQuery.extend(res.query.shape),
          response: { 200: pageSchema(res.schema), ...problems(400, 401, 403) },
        },
      },
      async (request) => {
        const page = await res.svc.list(actorOf(request) as never, request.query as never);
        return { data: page.items as never[], nextCursor: page.nextCursor };
      },
    );
    r.get(
      `${base}/:id`,
      {
        schema: {
          tags,
          operationId: `get${res.op}`,
          summary: `Get a ${res.op}`,
          params: IdParams,
          response: { 200: res.schema, ...problems(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const out = (await res.svc.get(actorOf(request), request.params.id)) as never as { version: number };
        return reply.header('etag', etag(out.version)).send(out as never);
      },
    );
    r.get(
      `${base}/by-code/:code`,
      {
        schema: {
          tags,
          operationId: `get${res.op}ByCode`,
          summary: `Get a ${res.op} by the tenant's code`,
          params: z.object({ code: z.string().trim().min(1).max(64) }),
          response: { 200: res.schema, ...problems(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const out = (await res.svc.get(actorOf(request), request.params.code)) as never as { version: number };
        return reply.header('etag', etag(out.version)).send(out as never);
      },
    );
    r.patch(
      `${base}/:id`,
      {
        schema: {
          tags,
          operationId: `update${res.op}`,
          summary: `Update a ${res.op} (body.version for optimistic concurrency)`,
          params: IdParams,
          body: res.update,
          response: { 200: res.schema, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const out = (await res.svc.update(actorOf(request), request.params.id, request.body)) as never as { version: number };
        return reply.header('etag', etag(out.version)).send(out as never);
      },
    );
    r.post(
      `${base}::import`,
      {
        schema: {
          tags,
          operationId: `import${res.ops}`,
          summary: `Bulk upsert ${res.ops} by code from CSV or NDJSON (columns: ${res.columns})`,
          querystring: ImportQuery,
          body: ImportBody,
          consumes: ['text/csv', 'application/x-ndjson'],
          response: { 200: ImportReportSchema, 202: z.object({ jobId: z.string() }), ...problems(400, 401, 403) },
        },
        validatorCompiler: importValidator as never,
      },
      async (request, reply) => {
        const out = await serveImport(store, request, res.kind);
        if ('jobId' in out) reply.code(202);
        return out;
      },
    );
  }
}
