// @alicloud/pop-core (V1 signing) against bsskit serve: what the client returns and raises on each
// channel. Each test starts its own fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, domestic, international, pollUntilNormal } from './bsskit.mjs';
import { newClient, createInstance, instanceStatus, buy } from './pop-core.mjs';

// raised runs a call that must reject and returns the error.
const raised = (promise) => promise.then((body) => assert.fail(`resolved with ${JSON.stringify(body)}`), (e) => e);

// assertRaised checks what pop-core raises for an error answer, on either channel: a plain Error
// named "<Code>Error" with err.code, the whole body in err.data, the HTTP status only in
// err.entry.response.statusCode, and the message "<Message>, URL: <url>".
function assertRaised(err, { url, code, status, message }) {
  assert.ok(err instanceof Error, `raised ${err}`);
  assert.equal(err.name, `${code}Error`);
  assert.equal(err.code, code);
  assert.equal(err.entry.response.statusCode, status);
  assert.equal(err.data.Code, code);
  assert.equal(err.data.Message, message);
  assert.match(err.data.RequestId, /^[0-9A-F-]{36}$/);
  assert.equal(err.entry.response.headers['x-acs-request-id'], err.data.RequestId);
  assert.equal(err.message, `${message}, URL: ${url}/`);
  assert.equal(err.url, `${url}/`); // POST: the parameters and the signature are in the body
}

test('buy with a ClientToken, replay it, poll until Normal', async (t) => {
  const fake = await serve(t);
  const client = newClient(fake.url, domestic);

  const body = await createInstance(client, { clientToken: 'node-pop-buy' });
  assert.equal(body.Success, true);
  assert.equal(body.Code, 'Success');
  const { OrderId: orderId, InstanceId: instanceId } = body.Data;
  assert.equal(typeof orderId, 'string');
  assert.match(orderId, /^\d+$/);
  assert.match(instanceId, /^vipcloudfw-cn-/);

  // The same ClientToken again answers the first order: no second purchase.
  const again = await createInstance(client, { clientToken: 'node-pop-buy' });
  assert.deepEqual([again.Data.OrderId, again.Data.InstanceId], [orderId, instanceId]);

  const seen = await pollUntilNormal(() => instanceStatus(client, instanceId));
  assert.equal(seen[0], 'Creating', `statuses seen: ${seen}`);
  assert.deepEqual(seen.slice(0, -1).filter((s) => s !== 'Creating'), [], `statuses seen: ${seen}`);

  const orders = await fake.orders();
  assert.deepEqual(orders.map((o) => [o.orderId, o.instanceId, o.accountId, o.clientToken]),
    [[orderId, instanceId, domestic.accountId, 'node-pop-buy']]);
});

// Body channel: HTTP 200 with Success false. pop-core raises: any Code other than Success rejects,
// whatever the HTTP status; only err.entry.response.statusCode (200) tells the channels apart.
const bodyCases = [
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

for (const c of bodyCases) {
  test(`body channel: ${c.name} raises with statusCode 200`, async (t) => {
    const fake = await serve(t);
    if (c.rule) await fake.addFault(c.rule);
    const err = await raised(createInstance(newClient(fake.url, domestic), { clientToken: 'node-pop-body', accountNum: c.accountNum }));

    assertRaised(err, { url: fake.url, code: c.code, status: 200, message: c.message });
    assert.equal(err.data.Success, false);
    assert.equal(err.data.HostId, 'business.aliyuncs.com');
    assert.deepEqual(await fake.orders(), []);
  });
}

// Gateway channel: HTTP 4xx/5xx. pop-core raises the same kind of error as for the body channel.
const gatewayCases = [
  { code: 'Forbidden.RAM', status: 403, message: "User not authorized to operate on the specified resource, or this API doesn't support RAM." },
  { code: 'Throttling.User', status: 400, message: 'Request was denied due to user flow control.' },
  { code: 'ServiceUnavailable', status: 503, message: 'The request has failed due to a temporary failure of the server.' },
];

for (const c of gatewayCases) {
  test(`gateway channel: ${c.code} raises with statusCode ${c.status}`, async (t) => {
    const fake = await serve(t);
    const rule = await fake.addFault({ id: 'once', calls: { first: 1 }, outcome: { error: c.code } });
    const client = newClient(fake.url, domestic);

    const err = await raised(createInstance(client, { clientToken: 'node-pop-gateway' }));
    assertRaised(err, { url: fake.url, code: c.code, status: c.status, message: c.message });
    assert.equal(err.data.HostId, 'business.aliyuncs.com');
    assert.match(err.data.Recommend, new RegExp(`[?&]q=${c.code.replace('.', '\\.')}&`));
    assert.deepEqual(await fake.orders(), []);

    // The rule fired once; the same call again succeeds and places exactly one order.
    const { stats } = await fake.admin('faults');
    assert.deepEqual(stats.map((s) => [s.id, s.fired]), [[rule, 1]]);
    const body = await createInstance(client, { clientToken: 'node-pop-gateway' });
    assert.equal(body.Success, true);
    assert.equal((await fake.orders()).length, 1);
  });
}

test('site switch: NotApplicable on the domestic site, the same ClientToken on the international one', async (t) => {
  const fake = await serve(t);

  // What the domestic site answers an international account: HTTP 400 NotApplicable.
  const err = await raised(createInstance(newClient(fake.url, international), { clientToken: 'node-pop-probe' }));
  assertRaised(err, { url: fake.url, code: 'NotApplicable', status: 400, message: 'This API is not applicable for caller.' });
  assert.equal(err.data.HostId, 'business.aliyuncs.com');

  const data = await buy({ ...fake, credentials: international, clientToken: 'node-pop-site' });
  assert.match(data.InstanceId, /^vipcloudfw-/);

  const orders = await fake.orders();
  assert.deepEqual(orders.map((o) => [o.orderId, o.accountId, o.productType, o.clientToken]),
    [[data.OrderId, international.accountId, 'cfw_elasticity_public_intl', 'node-pop-site']]);
  const calls = (await fake.journal())
    .filter((e) => e.action === 'CreateInstance' && e.clientToken === 'node-pop-site')
    .map((e) => [e.status, e.code]);
  assert.deepEqual(calls, [[400, 'NotApplicable'], [200, 'Success']]);

  // The international site also serves the polls.
  const seen = await pollUntilNormal(() => instanceStatus(newClient(fake.intlUrl, international), data.InstanceId));
  assert.equal(seen.at(-1), 'Normal');
});
