// Buying through @alicloud/pop-core, the older generic RPC client (V1 signing: HMAC-SHA1 in the
// query or form body), pointed at bsskit serve.
import RPCClient from '@alicloud/pop-core';

// newClient points the client at one site of the fake: a URL with its scheme
// ("http://127.0.0.1:PORT").
export function newClient(url, { accessKeyId, accessKeySecret }) {
  return new RPCClient({ endpoint: url, apiVersion: '2017-12-14', accessKeyId, accessKeySecret });
}

// POST puts every parameter (and the signature) in a form body, so the URL in pop-core's error
// messages (err.url, err.message) carries no Signature; with the default GET it does.
const opts = { method: 'POST', timeout: 10_000 };

// createInstance buys one Cloud Firewall pay-as-you-go service and resolves to the response body.
// pop-core rejects on any Code other than Success (or 200/OK/success), whatever the HTTP status:
// a body-channel error (HTTP 200, Success false) rejects just like a gateway error.
export function createInstance(client, { clientToken, productType = 'cfw_elasticity_public_cn', accountNum = '1' }) {
  const intl = productType.endsWith('_intl');
  return client.request('CreateInstance', {
    ProductCode: 'vipcloudfw',
    ProductType: productType,
    SubscriptionType: 'PayAsYouGo',
    ClientToken: clientToken,
    // flattened to Parameter.1.Code / Parameter.1.Value; the international site renames the module
    Parameter: [{ Code: intl ? 'CfwAccountIntlNum' : 'CfwAccountNum', Value: accountNum }],
  }, opts);
}

// instanceStatus reads one instance's Status (Creating, then Normal) from QueryAvailableInstances.
export async function instanceStatus(client, instanceId) {
  const body = await client.request('QueryAvailableInstances', { InstanceIDs: instanceId }, opts);
  const list = body.Data?.InstanceList ?? [];
  if (list.length !== 1) throw new Error(`QueryAvailableInstances listed ${list.length} instances for ${instanceId}`);
  return list[0].Status;
}

// buy is what a careful caller does: CreateInstance on the domestic site; on NotApplicable (the
// account belongs to the international site) the international endpoint and ProductType, with the
// same ClientToken, so a purchase the first site refused is placed once.
export async function buy({ url, intlUrl, credentials, clientToken, accountNum }) {
  try {
    return (await createInstance(newClient(url, credentials), { clientToken, accountNum })).Data;
  } catch (err) {
    if (err.code !== 'NotApplicable') throw err;
    return (await createInstance(newClient(intlUrl, credentials), { clientToken, accountNum, productType: 'cfw_elasticity_public_intl' })).Data;
  }
}
