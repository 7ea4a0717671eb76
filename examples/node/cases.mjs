// What both clients' tests expect of the fake: the error cases, with the catalogue's codes, statuses
// and messages, and the checks on the purchase that do not depend on the client.
import assert from 'node:assert/strict';

// Body channel: HTTP 200 with Success false, no order.
export const bodyErrors = [
  {
    name: 'COMMODITY.INVALID_COMPONENT (a module value the product does not sell)',
    accountNum: '3',
    code: 'COMMODITY.INVALID_COMPONENT',
    message: '模块非法',
  },
  {
    name: 'SYSTEM.CONCURRENT_OPERATE (a fault rule on the body channel)',
    rule: { id: 'busy', calls: { first: 1 }, outcome: { error: 'SYSTEM.CONCURRENT_OPERATE' } },
    code: 'SYSTEM.CONCURRENT_OPERATE',
    message: 'Concurrent operation, please try again later.',
  },
];

// Gateway channel: HTTP 4xx/5xx, each from a fault rule that fires on the first call only.
export const gatewayErrors = [
  { code: 'Forbidden.RAM', status: 403, message: "User not authorized to operate on the specified resource, or this API doesn't support RAM." },
  { code: 'Throttling.User', status: 400, message: 'Request was denied due to user flow control.' },
  { code: 'ServiceUnavailable', status: 503, message: 'The request has failed due to a temporary failure of the server.' },
];

// raised awaits a call that must reject and returns its error.
export function raised(promise) {
  return promise.then((v) => assert.fail(`resolved with ${JSON.stringify(v?.body ?? v)}`), (e) => e);
}

// assertCreatingThenNormal checks the statuses a poll saw: Creating first (the fake's provisioning
// delay has not passed), Creating until the last, Normal last.
export function assertCreatingThenNormal(seen) {
  assert.equal(seen[0], 'Creating', `statuses seen: ${seen}`);
  assert.deepEqual(seen.slice(0, -1).filter((s) => s !== 'Creating'), [], `statuses seen: ${seen}`);
  assert.equal(seen.at(-1), 'Normal', `statuses seen: ${seen}`);
}

// assertOrders checks the fake's orders, each reduced to the named fields of /__admin/orders.
export async function assertOrders(fake, fields, want) {
  const orders = await fake.orders();
  assert.deepEqual(orders.map((o) => fields.map((f) => o[f])), want);
}

// assertSiteSwitch checks what a purchase by an international account through the domestic site
// leaves behind: one order on the international ProductType, and two calls with its ClientToken,
// NotApplicable on the domestic site, then success.
export async function assertSiteSwitch(fake, { orderId, accountId, clientToken }) {
  await assertOrders(fake, ['orderId', 'accountId', 'productType', 'clientToken'],
    [[orderId, accountId, 'cfw_elasticity_public_intl', clientToken]]);
  const calls = (await fake.journal())
    .filter((e) => e.action === 'CreateInstance' && e.clientToken === clientToken)
    .map((e) => [e.status, e.code]);
  assert.deepEqual(calls, [[400, 'NotApplicable'], [200, 'Success']]);
}

// assertFiredOnce checks that the one fault rule of the fake fired exactly once.
export async function assertFiredOnce(fake, id) {
  const { stats } = await fake.admin('faults');
  assert.deepEqual(stats.map((s) => [s.id, s.fired]), [[id, 1]]);
}
