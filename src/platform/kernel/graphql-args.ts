import type { DirectiveNode, FieldNode, FragmentDefinitionNode, SelectionSetNode } from 'graphql';
import { DomainError } from '../errors.js';

/**
 * GraphQL argument helpers, the one rule for `null` every module follows:
 *
 * - In an **update** input (`patchInput`), a field left out leaves the stored value unchanged and an explicit
 *   `null` clears it, exactly as REST PATCH does. A field that cannot be cleared answers VALIDATION_FAILED.
 * - In a **create** input, filter or other argument (`argsInput`), `null` means "not given", the same as leaving
 *   the field out (GraphQL clients send null for unset optional variables).
 */
export function patchInput<T extends object>(input: T | null | undefined): T {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined)) as T;
}

/** A create input, filter or argument object: null and absent are the same; applied to nested objects and lists. */
export function argsInput<T>(input: T | null | undefined): T {
  return strip(input ?? {}) as T;
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null && x !== undefined)
        .map(([k, x]) => [k, strip(x)]),
    );
  }
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === null) {
    // graphql-js builds input objects without a prototype
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null && x !== undefined)
        .map(([k, x]) => [k, strip(x)]),
    );
  }
  return v;
}

/** A connection's page size: `first` (or `last`) 1-max (default 50), else VALIDATION_FAILED naming the argument. */
export function pageSize(n: number | null | undefined, dflt = 50, max = 500, arg: 'first' | 'last' = 'first'): number {
  const v = n ?? dflt;
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new DomainError('VALIDATION_FAILED', `${arg} must be 1-${max}`, { errors: [{ path: arg, message: `must be 1-${max}` }] });
  }
  return v;
}

/**
 * `{ limit, cursor, backward }` of a connection's `first` / `after` (forward) or `last` / `before` (backward, Relay's
 * cursor connections). `first` and `last` together, or `before` with `first` / `after` with `last`, are
 * VALIDATION_FAILED: one direction per request. Neither `first` nor `last`: the first `dflt` rows.
 */
export function pageArgs(
  a: { first?: number | null; after?: string | null; last?: number | null; before?: string | null },
  dflt = 50,
  max = 500,
): { limit: number; cursor?: string; backward?: true } {
  const has = (v: unknown) => v !== null && v !== undefined;
  if (has(a.last) || has(a.before)) {
    const clash = has(a.first) ? 'first' : has(a.after) ? 'after' : undefined;
    if (clash) {
      throw new DomainError('VALIDATION_FAILED', `${clash} cannot be combined with last/before: page one way per request`, {
        errors: [{ path: clash, message: 'cannot be combined with last/before' }],
      });
    }
    return { limit: pageSize(a.last, dflt, max, 'last'), backward: true, ...(a.before ? { cursor: a.before } : {}) };
  }
  return { limit: pageSize(a.first, dflt, max), ...(a.after ? { cursor: a.after } : {}) };
}

/** A single-object field: NOT_FOUND becomes null (GraphQL `node`-style lookups), other errors pass. */
export async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}

/** A boolean GraphQL argument as the REST query string value. */
export const boolParam = (v: unknown): 'true' | 'false' | undefined => (v === true ? 'true' : v === false ? 'false' : undefined);

/** The part of a resolver's `info` that `selectedFields` reads. */
interface SelectionInfo {
  fieldNodes: readonly FieldNode[];
  fragments: Record<string, FragmentDefinitionNode>;
  variableValues?: Record<string, unknown>;
}

/**
 * Whether `@skip` / `@include` leave a selection out: only when their `if` is known false (include) or true (skip),
 * a literal or a variable's value; otherwise the selection counts (selecting a column too many is harmless).
 */
function directivesSkip(directives: readonly DirectiveNode[] | undefined, variables: Record<string, unknown> | undefined): boolean {
  for (const d of directives ?? []) {
    if (d.name.value !== 'skip' && d.name.value !== 'include') continue;
    const arg = d.arguments?.find((a) => a.name.value === 'if')?.value;
    const value = arg?.kind === 'BooleanValue' ? arg.value : arg?.kind === 'Variable' ? variables?.[arg.name.value] : undefined;
    if (typeof value !== 'boolean') continue;
    if (d.name.value === 'skip' ? value : !value) return true;
  }
  return false;
}

/**
 * The field names a GraphQL operation selects below the resolved field, fragments and inline fragments expanded,
 * after descending `through` each path first (a connection's `['nodes']` and `['edges', 'node']`); the union over
 * every path and every field node; a selection `@skip` or `@include` leaves out is not counted. For loaders and list
 * resolvers that select only the columns asked for.
 */
export function selectedFields(info: SelectionInfo, through: readonly (readonly string[])[] = [[]]): Set<string> {
  const out = new Set<string>();
  const collect = (set: SelectionSetNode | undefined, path: readonly string[], seen: ReadonlySet<string>): void => {
    for (const sel of set?.selections ?? []) {
      if (directivesSkip(sel.directives, info.variableValues)) continue;
      if (sel.kind === 'Field') {
        if (!path.length) out.add(sel.name.value);
        else if (sel.name.value === path[0]) collect(sel.selectionSet, path.slice(1), seen);
      } else if (sel.kind === 'InlineFragment') {
        collect(sel.selectionSet, path, seen);
      } else if (!seen.has(sel.name.value)) {
        collect(info.fragments[sel.name.value]?.selectionSet, path, new Set([...seen, sel.name.value]));
      }
    }
  };
  for (const node of info.fieldNodes) for (const path of through) collect(node.selectionSet, path, new Set());
  return out;
}

/**
 * The property under which a parent object carries the answer of one of its loader-backed fields fetched with it
 * (a list statement that joined it in, e.g. a page of partners with each one's parent and children): that field's
 * resolver answers the carried value as it is and does not call the loader (platform/graphql.ts,
 * batchingResolvers). Only for fields without arguments; the carrier applies the visibility rules the loader would.
 */
export const prefetchedKey = (field: string): string => `__${field}`;
