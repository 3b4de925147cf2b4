import { relayBothWays } from '../helpers/relay.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makePartners } from '../helpers/evaluation.js';

/*
 * Action rules and early-warning rules over GraphQL (issue 14): lists as Relay connections by code, reads by id
 * and by code (null when unknown), create mutations; the same strings as REST (thresholds echoed as written).
 */
let t: TestApp;
let admin: Client;

const ACTION_FIELDS =
  'id code name templateId action condition { grades consecutive kpi { code op value } } tierLadder targetTier lifecycleAction active createdAt';
const WARNING_FIELDS = 'id code name kind threshold minElapsedPct active createdAt';

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

describe('action rules over GraphQL', () => {
  let rest: any;

  it('creates through GraphQL as REST does; validation fails alike', async () => {
    const g = await admin.gql(`mutation($input: CreateEvaluationActionRuleInput!) { createEvaluationActionRule(input: $input) { ${ACTION_FIELDS} } }`, {
      input: {
        code: 'DOWN-D',
        name: 'Tier down on D',
        action: 'tier_down',
        condition: { grades: ['D'], consecutive: 2 },
        tierLadder: ['bronze', 'silver', 'gold'],
      },
    });
    expect(g.errors).toBeUndefined();
    expect(g.data.createEvaluationActionRule).toMatchObject({
      code: 'DOWN-D',
      templateId: null,
      action: 'tier_down',
      condition: { grades: ['D'], consecutive: 2, kpi: null },
      tierLadder: ['bronze', 'silver', 'gold'],
      targetTier: null,
      lifecycleAction: null,
      active: true,
    });
    rest = await admin.post('/v1/evaluations/action-rules', {
      code: 'LOW-SAT',
      name: 'Review on low satisfaction',
      action: 'termination_review',
      condition: { kpi: { code: 'sat', op: 'lt', value: '40.50' } },
      lifecycleAction: 'suspend',
    });
    expect(rest.statusCode, rest.body).toBe(201);
    const bad = await admin.gql(
      `mutation { createEvaluationActionRule(input: { code: "UP", name: "Up", action: tier_up, condition: { grades: ["A"] } }) { id } }`,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const dup = await admin.gql(
      `mutation { createEvaluationActionRule(input: { code: "DOWN-D", name: "x", action: warning, condition: { grades: ["D"] } }) { id } }`,
    );
    expect(dup.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('lists by code as a connection, pages with after, reads by id and by code; unknown is null', async () => {
    const page1 = await admin.gql(`{ evaluationActionRules(first: 1) { edges { cursor node { code } } nodes { code } pageInfo { hasNextPage endCursor } } }`);
    expect(page1.errors).toBeUndefined();
    expect(page1.data.evaluationActionRules.nodes).toEqual([{ code: 'DOWN-D' }]);
    expect(page1.data.evaluationActionRules.pageInfo.hasNextPage).toBe(true);
    const page2 = await admin.gql(`query($after: String) { evaluationActionRules(first: 1, after: $after) { nodes { code } pageInfo { hasNextPage } } }`, {
      after: page1.data.evaluationActionRules.pageInfo.endCursor,
    });
    expect(page2.data.evaluationActionRules).toEqual({ nodes: [{ code: 'LOW-SAT' }], pageInfo: { hasNextPage: false } });
    const g = await admin.gql(
      `query($id: ID!) { byId: evaluationActionRule(id: $id) { ${ACTION_FIELDS} } byCode: evaluationActionRuleByCode(code: "LOW-SAT") { ${ACTION_FIELDS} }
        noId: evaluationActionRule(id: "018f0000-0000-7000-8000-000000000000") { id } notUuid: evaluationActionRule(id: "nope") { id }
        noCode: evaluationActionRuleByCode(code: "NOPE") { id } }`,
      { id: rest.data.id },
    );
    expect(g.errors).toBeUndefined();
    // the same object as REST, the KPI condition's value as written
    expect(g.data.byId).toEqual({
      ...rest.data,
      condition: { grades: null, consecutive: null, kpi: { code: 'sat', op: 'lt', value: '40.50' } },
      tierLadder: null,
    });
    expect(g.data.byCode).toEqual(g.data.byId);
    expect([g.data.noId, g.data.notUuid, g.data.noCode]).toEqual([null, null, null]);
  });

  it('pages the action rules both ways (first/after, last/before) with the same nodes', async () => {
    const { forward, backward } = await relayBothWays(admin, 'evaluationActionRules', '', 'code');
    expect(forward.map((n) => n.code)).toEqual(['DOWN-D', 'LOW-SAT']);
    expect(backward).toEqual(forward);
  });

  it('a partner token cannot read them', async () => {
    const { 'R-P': id } = await makePartners(admin, ['R-P']);
    const partner = t.client(await t.token({ scope: 'evaluations:read', partner: id! }));
    const g = await partner.gql(`{ evaluationActionRules { nodes { code } } }`);
    expect(g.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('early-warning rules over GraphQL', () => {
  let rest: any;

  it('creates through GraphQL and REST, the threshold echoed as written', async () => {
    const g = await admin.gql(`mutation($input: CreateEarlyWarningRuleInput!) { createEarlyWarningRule(input: $input) { ${WARNING_FIELDS} } }`, {
      input: { code: 'ACH', name: 'Behind run-rate', kind: 'achievement_behind_run_rate', threshold: '50', minElapsedPct: '33.5' },
    });
    expect(g.errors).toBeUndefined();
    expect(g.data.createEarlyWarningRule).toMatchObject({
      code: 'ACH',
      kind: 'achievement_behind_run_rate',
      threshold: '50',
      minElapsedPct: '33.5',
      active: true,
    });
    rest = await admin.post('/v1/evaluations/warning-rules', { code: 'INV', name: 'Inventory days', kind: 'inventory_days_above', threshold: '45.25' });
    expect(rest.statusCode, rest.body).toBe(201);
    expect(rest.data).toMatchObject({ threshold: '45.25', minElapsedPct: '50' });
    const bad = await admin.gql(
      `mutation { createEarlyWarningRule(input: { code: "OD", name: "Overdue", kind: collections_overdue, threshold: "30.5" }) { id } }`,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });

  it('lists by code as a connection, reads by id and by code as REST does; unknown is null', async () => {
    const list = await admin.gql(`{ earlyWarningRules(first: 1) { nodes { code } pageInfo { hasNextPage endCursor } } }`);
    expect(list.errors).toBeUndefined();
    expect(list.data.earlyWarningRules.nodes).toEqual([{ code: 'ACH' }]);
    expect(list.data.earlyWarningRules.pageInfo.hasNextPage).toBe(true);
    const next = await admin.gql(`query($after: String) { earlyWarningRules(after: $after) { nodes { code } pageInfo { hasNextPage } } }`, {
      after: list.data.earlyWarningRules.pageInfo.endCursor,
    });
    expect(next.data.earlyWarningRules).toEqual({ nodes: [{ code: 'INV' }], pageInfo: { hasNextPage: false } });
    const byCodeRest = await admin.get('/v1/evaluations/warning-rules/by-code/INV');
    expect(byCodeRest.data).toEqual(rest.data);
    const g = await admin.gql(
      `query($id: ID!) { byId: earlyWarningRule(id: $id) { ${WARNING_FIELDS} } byCode: earlyWarningRuleByCode(code: "INV") { ${WARNING_FIELDS} }
        noId: earlyWarningRule(id: "018f0000-0000-7000-8000-000000000000") { id } noCode: earlyWarningRuleByCode(code: "NOPE") { id } }`,
      { id: rest.data.id },
    );
    expect(g.errors).toBeUndefined();
    expect(g.data.byId).toEqual(rest.data);
    expect(g.data.byCode).toEqual(rest.data);
    expect([g.data.noId, g.data.noCode]).toEqual([null, null]);
    const bad = await admin.gql(`{ earlyWarningRules(after: "bm9wZQ") { nodes { code } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });
});
