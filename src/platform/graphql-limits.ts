import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError as GraphQLErrorType,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import { graphqlLib } from './graphql-lib.js';
import { INPUT_MAX_ITEMS, INPUT_MAX_STRING, overCap } from './validate.js';

const { GraphQLError, Kind, getNamedType, getNullableType, isListType, isObjectType, isInterfaceType, valueFromASTUntyped } = graphqlLib;

export interface GraphqlLimits {
  /** longest chain of nested fields (a root field is depth 1) */
  maxDepth: number;
  /** estimated fields resolved: each field costs 1 times the page sizes (`first`) of the lists above it */
  maxCost: number;
  /** aliased fields in one operation */
  maxAliases: number;
  /** operations in one batched request (a JSON array body) */
  maxBatch: number;
}

/** Selections visited in one operation, fragments expanded: a guard against fragment bombs, whatever the other caps. */
const MAX_SELECTIONS = 20_000;
/** page size assumed for a `first` argument without a value and without a default */
const DEFAULT_PAGE = 50;
/** size assumed for a list field that takes no `first` (e.g. a partner's children) */
const UNPAGED_LIST = 10;

export type LimitName = 'depth' | 'cost' | 'aliases' | 'batch' | 'selections' | 'input';

/**
 * A refused request, shaped like mercurius' own validation error (status 400 and the GraphQL errors in `errors`)
 * so that the one error formatter of graphql.ts turns it into `extensions.code: GRAPHQL_LIMIT_EXCEEDED`.
 */
export class GraphqlLimitError extends Error {
  readonly statusCode = 400;
  errors: GraphQLErrorType[];
  constructor(limit: LimitName, max: number, actual: number | undefined, detail: string) {
    super(detail);
    this.name = 'GraphqlLimitError';
    this.errors = [
      new GraphQLError(detail, {
        extensions: { code: 'GRAPHQL_LIMIT_EXCEEDED', limit, max, ...(actual === undefined ? {} : { actual }) },
      }),
    ];
  }
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const out = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out.set(d.name.value, d);
  return out;
}

/**
 * Depth and alias caps, checked on the parsed document before GraphQL validation runs (validation of a huge
 * document is itself costly). Introspection fields (`__schema`, `__type`) are not counted: introspection has its
 * own switch. Unknown or cyclic fragments are left to validation.
 */
export function checkShape(document: DocumentNode, limits: GraphqlLimits): void {
  const fragments = fragmentsOf(document);
  for (const op of document.definitions) {
    if (op.kind !== Kind.OPERATION_DEFINITION) continue;
    let aliases = 0;
    let selections = 0;
    const walk = (set: SelectionSetNode, depth: number, path: ReadonlySet<string>): void => {
      for (const sel of set.selections) {
        if (++selections > MAX_SELECTIONS) {
          throw new GraphqlLimitError('selections', MAX_SELECTIONS, undefined, `The operation selects more than ${MAX_SELECTIONS} fields`);
        }
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue;
          if (sel.alias && ++aliases > limits.maxAliases) {
            throw new GraphqlLimitError('aliases', limits.maxAliases, undefined, `The operation uses more than ${limits.maxAliases} aliases`);
          }
          if (depth + 1 > limits.maxDepth) {
            throw new GraphqlLimitError('depth', limits.maxDepth, depth + 1, `The operation nests fields deeper than ${limits.maxDepth} levels`);
          }
          if (sel.selectionSet) walk(sel.selectionSet, depth + 1, path);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          walk(sel.selectionSet, depth, path);
        } else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (frag && !path.has(name)) walk(frag.selectionSet, depth, new Set([...path, name]));
        }
      }
    };
    walk(op.selectionSet, 0, new Set());
  }
}

/**
 * The cost cap, checked before execution when the variables are known: every field costs 1 times the product of
 * the page sizes above it (`first` or `last`, its variable's value or its default; an unpaged list counts as 10 items; the
 * `nodes`/`edges` of a connection are the page itself). The costliest operation of the document counts.
 */
export function checkCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, limits: GraphqlLimits): void {
  const fragments = fragmentsOf(document);
  for (const op of document.definitions) {
    if (op.kind !== Kind.OPERATION_DEFINITION) continue;
    const root =
      op.operation === 'mutation' ? schema.getMutationType() : op.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
    if (!root) continue;
    const cost = costOf(schema, op, root, fragments, variables ?? {}, limits.maxCost);
    if (cost > limits.maxCost) {
      throw new GraphqlLimitError(
        'cost',
        limits.maxCost,
        cost,
        `The operation's estimated cost ${cost} exceeds the limit of ${limits.maxCost} (each field counts once per item of the pages above it: lower 'first' or select fewer fields)`,
      );
    }
  }
}

function costOf(
  schema: GraphQLSchema,
  op: OperationDefinitionNode,
  root: GraphQLNamedType,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  max: number,
): number {
  const varDefaults = new Map<string, unknown>();
  for (const v of op.variableDefinitions ?? []) if (v.defaultValue) varDefaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      return name in variables ? variables[name] : varDefaults.get(name);
    }
    return valueFromASTUntyped(node, variables);
  };
  let total = 0;
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType, multiplier: number, path: ReadonlySet<string>): void => {
    for (const sel of set.selections) {
      if (total > max) return;
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        total += multiplier;
        if (!sel.selectionSet || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const def = parent.getFields()[sel.name.value];
        if (!def) continue;
        let factor = 1;
        const firstArg = def.args.find((a) => a.name === 'first');
        if (firstArg) {
          const given = (name: string) => {
            const arg = sel.arguments?.find((a) => a.name.value === name);
            return arg ? valueOf(arg.value) : undefined;
          };
          const v = given('first') ?? given('last');
          const n = Number(v ?? firstArg.defaultValue ?? DEFAULT_PAGE);
          factor = Number.isFinite(n) && n > 0 ? Math.ceil(n) : DEFAULT_PAGE;
        } else if (isListType(getNullableType(def.type)) && !parent.name.endsWith('Connection')) {
          factor = UNPAGED_LIST;
        }
        walk(sel.selectionSet, getNamedType(def.type), multiplier * factor, path);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? parent) : parent;
        walk(sel.selectionSet, cond, multiplier, path);
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (frag && !path.has(name)) walk(frag.selectionSet, schema.getType(frag.typeCondition.name.value) ?? parent, multiplier, new Set([...path, name]));
      }
    }
  };
  walk(op.selectionSet, root, 1, new Set());
  return total;
}

/**
 * A GraphQL argument over the input caps REST applies (`INPUT_MAX_STRING`, `INPUT_MAX_ITEMS` of validate.ts):
 * refused before execution with VALIDATION_FAILED naming the argument or variable, as REST names the field.
 * Field-specific bounds (a code's 64 characters, a name's 200) are the services' zod schemas, shared by both.
 */
export class GraphqlInputError extends GraphqlLimitError {
  constructor(path: string, message: string) {
    super('input', INPUT_MAX_STRING, undefined, `${path}: ${message}`);
    this.errors = [new GraphQLError(`${path}: ${message}`, { extensions: { code: 'VALIDATION_FAILED', errors: [{ path, message }] } })];
  }
}

/** Every string and list the operation carries, in its variables and as literals, within the input caps. */
export function checkInputBounds(document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  for (const [name, v] of Object.entries(variables ?? {})) {
    const e = overCap(v, `$${name}`);
    if (e) throw new GraphqlInputError(e.path, e.message);
  }
  const visit = (node: ValueNode, path: string): void => {
    if (node.kind === Kind.STRING && node.value.length > INPUT_MAX_STRING) throw new GraphqlInputError(path, `must be at most ${INPUT_MAX_STRING} characters`);
    if (node.kind === Kind.LIST) {
      if (node.values.length > INPUT_MAX_ITEMS) throw new GraphqlInputError(path, `must have at most ${INPUT_MAX_ITEMS} items`);
      node.values.forEach((x, i) => visit(x, `${path}.${i}`));
    }
    if (node.kind === Kind.OBJECT) for (const f of node.fields) visit(f.value, `${path}.${f.name.value}`);
  };
  const walk = (set: SelectionSetNode | undefined): void => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) for (const a of sel.arguments ?? []) visit(a.value, a.name.value);
      if ('selectionSet' in sel) walk(sel.selectionSet);
    }
  };
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) walk(d.selectionSet);
}
