// @alicloud/pop-core (V1 signing) against bsskit serve: what the client returns and raises on each
// channel. Each test starts its own fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, domestic, international, pollUntilNormal } from './bsskit.mjs';
import { raised, bodyErrors, gatewayErrors, assertCreatingThenNormal, assertOrders, assertSiteSwitch, assertFiredOnce } from './cases.mjs';
import { newClient, createInstance, instanceStatus, buy } from './pop-core.mjs';

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

  assertCreatingThenNormal(await pollUntilNormal(() => instanceStatus(client, instanceId)));
  await assertOrders(fake, ['orderId', 'instanceId', 'accountId', 'clientToken'],
    [[orderId, instanceId, domestic.accountId, 'node-pop-buy']]);
});

// Body channel: HTTP 200 with Success false. pop-core raises: any Code other than Success rejects,
// whatever the HTTP status; only err.entry.response.statusCode (200) tells the channels apart.
for (const c of bodyErrors) {
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
for (const c of gatewayErrors) {
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
    await assertFiredOnce(fake, rule);
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

  await assertSiteSwitch(fake, { orderId: data.OrderId, accountId: international.accountId, clientToken: 'node-pop-site' });

  // The international site also serves the polls.
  assertCreatingThenNormal(await pollUntilNormal(() => instanceStatus(newClient(fake.intlUrl, international), data.InstanceId)));
});
