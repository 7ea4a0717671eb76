// @alicloud/bssopenapi20171214 (V3 signing) against bsskit serve: what the client returns and raises
// on each channel. Each test starts its own fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientError, ServerError, ThrottlingError } from '@alicloud/openapi-core';
import { serve, domestic, international, pollUntilNormal } from './bsskit.mjs';
import { raised, bodyErrors, gatewayErrors, assertCreatingThenNormal, assertOrders, assertSiteSwitch, assertFiredOnce } from './cases.mjs';
import { newClient, createInstance, instanceStatus, buy } from './v3.mjs';

test('buy with a ClientToken, replay it, poll until Normal', async (t) => {
  const fake = await serve(t);
  const client = newClient(fake.endpoint, domestic);

  const res = await createInstance(client, { clientToken: 'node-v3-buy' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.body.success, true);
  assert.equal(res.body.code, 'Success');
  assert.equal(res.headers['x-acs-request-id'], res.body.requestId);
  const { orderId, instanceId } = res.body.data;
  assert.match(orderId, /^\d+$/);
  assert.match(instanceId, /^vipcloudfw-cn-/);

  // The same ClientToken again answers the first order: no second purchase.
  const again = await createInstance(client, { clientToken: 'node-v3-buy' });
  assert.deepEqual([again.body.data.orderId, again.body.data.instanceId], [orderId, instanceId]);

  assertCreatingThenNormal(await pollUntilNormal(() => instanceStatus(client, instanceId)));
  await assertOrders(fake, ['orderId', 'instanceId', 'accountId', 'clientToken'],
    [[orderId, instanceId, domestic.accountId, 'node-v3-buy']]);
});

// Body channel: HTTP 200 with Success false. This client does not raise: it resolves, and the code
// is in body.code (body.data is absent). The caller must read body.success.
for (const c of bodyErrors) {
  test(`body channel: ${c.name} resolves with success false`, async (t) => {
    const fake = await serve(t);
    if (c.rule) await fake.addFault(c.rule);
    const res = await createInstance(newClient(fake.endpoint, domestic), { clientToken: 'node-v3-body', accountNum: c.accountNum });

    assert.equal(res.statusCode, 200);
    assert.equal(res.body.success, false);
    assert.equal(res.body.code, c.code);
    assert.equal(res.body.message, c.message);
    assert.equal(res.body.data, undefined);
    assert.equal(res.headers['x-acs-request-id'], res.body.requestId);
    assert.deepEqual(await fake.orders(), []);
    // buy() turns it into an error, because the client does not.
    if (!c.rule) {
      await assert.rejects(buy({ ...fake, credentials: domestic, clientToken: 'node-v3-body', accountNum: c.accountNum }),
        { code: c.code, message: `CreateInstance: ${c.code}: ${c.message}` });
      assert.deepEqual(await fake.orders(), []);
    }
  });
}

// Gateway channel: HTTP 4xx/5xx. This client raises one of three classes of @alicloud/openapi-core:
// ThrottlingError for any code containing "Throttling", ClientError for other 4xx, ServerError for
// 5xx; each with code, statusCode, requestId, the whole error body in data, and the message
// "<Code>: code: <status>, <Message> request id: <RequestId>".
const classOf = { 'Forbidden.RAM': ClientError, 'Throttling.User': ThrottlingError, ServiceUnavailable: ServerError };

for (const c of gatewayErrors.map((e) => ({ ...e, class: classOf[e.code] }))) {
  test(`gateway channel: ${c.code} raises ${c.class.name} with statusCode ${c.status}`, async (t) => {
    const fake = await serve(t);
    const rule = await fake.addFault({ id: 'once', calls: { first: 1 }, outcome: { error: c.code } });
    const client = newClient(fake.endpoint, domestic);

    const err = await raised(createInstance(client, { clientToken: 'node-v3-gateway' }));
    assert.ok(err instanceof c.class, `raised ${err?.constructor?.name}: ${err}`);
    assert.equal(err.name, c.class.name);
    assert.equal(err.code, c.code);
    assert.equal(err.statusCode, c.status);
    assert.equal(err.data.Code, c.code);
    assert.equal(err.data.HostId, 'business.aliyuncs.com');
    assert.match(err.data.RequestId, /^[0-9A-F-]{36}$/);
    assert.equal(err.requestId, err.data.RequestId);
    assert.equal(err.message, `${c.code}: code: ${c.status}, ${c.message} request id: ${err.data.RequestId}`);
    assert.deepEqual(await fake.orders(), []);

    // The rule fired once; the same call again succeeds and places exactly one order.
    await assertFiredOnce(fake, rule);
    const res = await createInstance(client, { clientToken: 'node-v3-gateway' });
    assert.equal(res.body.success, true);
    assert.equal((await fake.orders()).length, 1);
  });
}

test('site switch: NotApplicable on the domestic site, the same ClientToken on the international one', async (t) => {
  const fake = await serve(t);

  // What the domestic site answers an international account: HTTP 400 NotApplicable.
  const err = await raised(createInstance(newClient(fake.endpoint, international), { clientToken: 'node-v3-probe' }));
  assert.ok(err instanceof ClientError, `raised ${err?.constructor?.name}: ${err}`);
  assert.equal(err.code, 'NotApplicable');
  assert.equal(err.statusCode, 400);
  assert.equal(err.data.HostId, 'business.aliyuncs.com');

  const data = await buy({ ...fake, credentials: international, clientToken: 'node-v3-site' });
  assert.match(data.instanceId, /^vipcloudfw-/);

  await assertSiteSwitch(fake, { orderId: data.orderId, accountId: international.accountId, clientToken: 'node-v3-site' });

  // The international site also serves the polls.
  assertCreatingThenNormal(await pollUntilNormal(() => instanceStatus(newClient(fake.intlEndpoint, international), data.instanceId)));
});
