// Buying through @alicloud/bssopenapi20171214, the generated client (darabonba, V3 signing:
// Authorization: ACS3-HMAC-SHA256), pointed at bsskit serve.
import bss from '@alicloud/bssopenapi20171214';
import { $OpenApiUtil } from '@alicloud/openapi-core';

// A CommonJS module: the client class is its `default` export, the models are named exports.
const Client = bss.default;

// newClient points the client at one site of the fake. endpoint is host:port without a scheme
// ("127.0.0.1:PORT"); protocol 'http' because the fake serves plain HTTP (the client's default
// for CreateInstance is HTTPS).
export function newClient(endpoint, { accessKeyId, accessKeySecret }) {
  return new Client(new $OpenApiUtil.Config({
    endpoint,
    protocol: 'http',
    accessKeyId,
    accessKeySecret,
    // Unset, both fall to httpx's 3 s; say what your caller can afford.
    connectTimeout: 5_000,
    readTimeout: 10_000,
  }));
}

// createInstance buys one Cloud Firewall pay-as-you-go service. It resolves to the client's
// response ({statusCode, headers, body}) whatever body.success says: on HTTP 200 this client never
// raises, so a body-channel error (Success: false) arrives here as an ordinary answer.
export function createInstance(client, { clientToken, productType = 'cfw_elasticity_public_cn', accountNum = '1' }) {
  const intl = productType.endsWith('_intl');
  return client.createInstance(new bss.CreateInstanceRequest({
    productCode: 'vipcloudfw',
    productType,
    subscriptionType: 'PayAsYouGo',
    clientToken,
    // the international site renames the module (CfwAccountNum -> CfwAccountIntlNum)
    parameter: [new bss.CreateInstanceRequestParameter({ code: intl ? 'CfwAccountIntlNum' : 'CfwAccountNum', value: accountNum })],
  }));
}

// instanceStatus reads one instance's Status (Creating, then Normal) from QueryAvailableInstances.
export async function instanceStatus(client, instanceId) {
  const res = await client.queryAvailableInstances(new bss.QueryAvailableInstancesRequest({ instanceIDs: instanceId }));
  const list = res.body.data?.instanceList ?? [];
  if (list.length !== 1) throw new Error(`QueryAvailableInstances listed ${list.length} instances for ${instanceId}`);
  return list[0].status;
}

// buy is what a careful caller does: CreateInstance on the domestic site; on NotApplicable (the
// account belongs to the international site) the international endpoint and ProductType, with the
// same ClientToken, so a purchase the first site refused is placed once. A body-channel error
// (HTTP 200, Success false) is turned into an Error here, because the client does not raise it.
export async function buy({ endpoint, intlEndpoint, credentials, clientToken, accountNum }) {
  let res;
  try {
    res = await createInstance(newClient(endpoint, credentials), { clientToken, accountNum });
  } catch (err) {
    if (err.code !== 'NotApplicable') throw err;
    res = await createInstance(newClient(intlEndpoint, credentials), { clientToken, accountNum, productType: 'cfw_elasticity_public_intl' });
  }
  if (!res.body.success) {
    throw Object.assign(new Error(`CreateInstance: ${res.body.code}: ${res.body.message}`), { code: res.body.code });
  }
  return res.body.data;
}
