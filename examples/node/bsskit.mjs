// Test helpers: build bsskit from this repository, start `bsskit serve` on free loopback ports for
// one test, and read its admin API. Nothing here is specific to either SDK.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

// The catalogue and accounts every test serves: Cloud Firewall's pay-as-you-go service, sold on both
// sites, with a commodity channel (a module value it does not sell: COMMODITY.INVALID_COMPONENT,
// HTTP 200), and one account per site, each with a secret, so every signature is verified.
export const catalog = join(repo, 'testdata', 'catalogs', 'sites.yaml');
export const accounts = join(here, 'accounts.yaml');
export const domestic = { accessKeyId: 'ak-china', accessKeySecret: 'china-secret', accountId: '1000000000000001' };
export const international = { accessKeyId: 'ak-intl', accessKeySecret: 'intl-secret', accountId: '1000000000000002' };

// How long a new instance stays Creating: long enough that the first poll right after the purchase
// sees Creating, short enough for a quick test.
export const provisioningDelayMs = 1500;

let built;

// bsskitBinary builds ./cmd/bsskit once per test file into a temporary directory (or uses
// $BSSKIT_BIN, which `make node-example` sets after building it once) and returns its path.
export function bsskitBinary() {
  if (process.env.BSSKIT_BIN) return Promise.resolve(process.env.BSSKIT_BIN);
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bsskit-node-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const bin = join(dir, 'bsskit');
    await promisify(execFile)('go', ['build', '-o', bin, './cmd/bsskit'], { cwd: repo });
    return bin;
  })();
  return built;
}

// serve starts `bsskit serve` for the test t on two free loopback ports and stops it when t ends.
// It returns the domestic and international host:port (what the V3 client's endpoint wants) and
// admin(path, init), which calls the admin API and returns the parsed JSON answer.
export async function serve(t, ...extraArgs) {
  const bin = await bsskitBinary();
  const args = ['serve', '--addr', '127.0.0.1:0', '--intl-addr', '127.0.0.1:0',
    '--catalog', catalog, '--accounts', accounts,
    '--provisioning-delay', `${provisioningDelayMs}ms`, '--seed', '1', ...extraArgs];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  t.after(async () => {
    child.kill('SIGTERM');
    await exited;
  });

  // The first line names the domestic site's URL, the second the international site's.
  let output = '';
  const urls = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bsskit serve did not start in 20 s:\n${output}`)), 20_000);
    const read = (chunk) => {
      output += chunk;
      const domestic = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      const intl = /international site \(business\.ap-southeast-1\.aliyuncs\.com\) listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (domestic && intl) {
        clearTimeout(timer);
        resolve({ url: domestic[1], intlUrl: intl[1] });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bsskit serve exited with ${code}:\n${output}`));
    });
  });

  const admin = async (path, init = {}) => {
    const res = await fetch(`${urls.url}/__admin/${path}`, init);
    const body = await res.json();
    if (!res.ok) throw new Error(`admin ${path}: HTTP ${res.status}: ${JSON.stringify(body)}`);
    return body;
  };
  return {
    ...urls,
    endpoint: urls.url.replace('http://', ''),
    intlEndpoint: urls.intlUrl.replace('http://', ''),
    admin,
    // addFault adds one fault rule (the admin API's JSON shape) and returns its ID.
    addFault: async (rule) => (await admin('faults', { method: 'POST', body: JSON.stringify(rule) })).ids[0],
    orders: () => admin('orders'),
    journal: () => admin('requests'),
  };
}

// pollUntilNormal calls statusOf() every 100 ms until it answers Normal (at most 10 s) and returns
// every status it saw, in order.
export async function pollUntilNormal(statusOf) {
  const seen = [];
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await statusOf();
    seen.push(status);
    if (status === 'Normal') return seen;
    if (Date.now() > deadline) throw new Error(`not Normal after 10 s: ${seen.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
