/**
 * `roamsim mocks --diameter-port 0` as another implementation meets it: a separate process, a client built on
 * raw buffers (tests/unit/diameter-raw.ts, nothing from src/protocol), subscribers provisioned through the
 * admin endpoint.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { RawClient, avpOf, parseAvps, parseMessage, rawAvp, rawCer, rawMessage, u32Of } from './diameter-raw';

const root = path.resolve(__dirname, '..', '..');
const token = randomBytes(16).toString('hex');
const HOME_REALM = 'epc.mnc015.mcc234.3gppnetwork.org';
const realmOf = (mcc: string, mnc: string) => `epc.mnc${mnc.padStart(3, '0')}.mcc${mcc}.3gppnetwork.org`;
let child: ChildProcess;
let output = '';
let diameterPort = 0;
let hlrUrl = '';

before(async () => {
  child = spawn(process.execPath, [path.join(root, 'bin', 'roamsim.js'), 'mocks', '--hlr-port', '0', '--vlr-port', '0', '--metrics-port', 'off', '--diameter-port', '0'], {
    cwd: root,
    env: { ...process.env, ROAMSIM_ADMIN_TOKEN: token, ROAMSIM_MOCK_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`roamsim mocks not ready in 30 s:\n${output}`)), 30_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (/roamsim mocks: ready/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => reject(new Error(`roamsim mocks exited with ${code}:\n${output}`)));
  });
  const match = /Diameter HSS 127\.0\.0\.1:(\d+) \(([^)]+)\)/.exec(output);
  assert.ok(match, `the Diameter port is printed:\n${output}`);
  diameterPort = Number(match[1]);
  assert.notEqual(diameterPort, 0);
  hlrUrl = /HLR\/HSS (http:\/\/\S+)/.exec(output)?.[1] as string;
});

after(async () => {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
});

async function provision(from: number): Promise<{ imsi: string; msisdn: string }> {
  const response = await fetch(`${hlrUrl}/admin/subscribers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ home: '234-15', count: 1, from }),
  });
  assert.equal(response.status, 201);
  return ((await response.json()) as { subscribers: Array<{ imsi: string; msisdn: string }> }).subscribers[0] as { imsi: string; msisdn: string };
}

/** A raw MME of `mcc-mnc` with its CEA read. */
async function mme(mcc: string, mnc: string): Promise<{ client: RawClient; host: string; realm: string }> {
  const realm = realmOf(mcc, mnc);
  const host = `mme.${realm}`;
  const client = await RawClient.open(diameterPort);
  client.send(rawCer(host, realm));
  const cea = parseMessage((await client.next()) as Buffer);
  assert.equal(cea.code, 257);
  assert.equal(u32Of(avpOf(cea.avps, 268)), 2001, 'CEA 2001');
  assert.match(avpOf(cea.avps, 264)?.data.toString() ?? '', /^hss\.epc\./, 'the CEA names an HSS');
  return { client, host, realm };
}

const plmnBytes = (mcc: string, mnc: string) => Buffer.from([(Number(mcc[1]) << 4) | Number(mcc[0]), ((mnc.length === 3 ? Number(mnc[2]) : 0xf) << 4) | Number(mcc[2]), (Number(mnc[1]) << 4) | Number(mnc[0])]);

function request(code: number, hbh: number, from: { host: string; realm: string }, imsi: string, extra: Buffer[]): Buffer {
  return rawMessage({ flags: 0xc0, code, app: 16777251, hbh, e2e: 0x5000 + hbh }, [
    rawAvp({ code: 263, data: `${from.host};raw;${hbh}` }),
    rawAvp({ code: 260, data: [{ code: 266, data: 10415 }, { code: 258, data: 16777251 }] }),
    rawAvp({ code: 277, data: 1 }),
    rawAvp({ code: 264, data: from.host }),
    rawAvp({ code: 296, data: from.realm }),
    rawAvp({ code: 283, data: HOME_REALM }),
    rawAvp({ code: 1, data: imsi }),
    ...extra,
  ]);
}

const air = (hbh: number, from: { host: string; realm: string }, imsi: string, plmn: Buffer) =>
  request(318, hbh, from, imsi, [rawAvp({ code: 1408, vendor: 10415, data: [{ code: 1410, vendor: 10415, data: 1 }] }), rawAvp({ code: 1407, vendor: 10415, data: plmn })]);
const ulr = (hbh: number, from: { host: string; realm: string }, imsi: string, plmn: Buffer) =>
  request(316, hbh, from, imsi, [rawAvp({ code: 1032, flags: 0x80, vendor: 10415, data: 1004 }), rawAvp({ code: 1405, vendor: 10415, data: 0x22 }), rawAvp({ code: 1407, vendor: 10415, data: plmn })]);

test('CEA, then AIA with an E-UTRAN-Vector (RAND, XRES, AUTN, KASME), then ULA 2001 with Subscription-Data', async () => {
  const subscriber = await provision(0);
  const a = await mme('262', '01');
  a.client.send(air(1, a, subscriber.imsi, plmnBytes('262', '01')));
  const aia = parseMessage((await a.client.nextApp()) as Buffer);
  assert.deepEqual([aia.code, aia.flags, aia.hbh, aia.e2e], [318, 0x40, 1, 0x5001]);
  assert.equal(u32Of(avpOf(aia.avps, 268)), 2001);
  const info = parseAvps((avpOf(aia.avps, 1413) as { data: Buffer }).data);
  const vector = parseAvps((avpOf(info, 1414) as { data: Buffer }).data);
  assert.deepEqual([1447, 1448, 1449, 1450].map((code) => avpOf(vector, code)?.data.length), [16, 8, 16, 32], 'RAND, XRES, AUTN, KASME');

  a.client.send(ulr(2, a, subscriber.imsi, plmnBytes('262', '01')));
  const ula = parseMessage((await a.client.nextApp()) as Buffer);
  assert.equal(u32Of(avpOf(ula.avps, 268)), 2001);
  const data = parseAvps((avpOf(ula.avps, 1400) as { data: Buffer }).data);
  const msisdn = avpOf(data, 701)?.data as Buffer;
  const digits = [...msisdn].flatMap((b) => [b & 0xf, b >> 4]).filter((d) => d !== 0xf).join('');
  assert.equal(digits, subscriber.msisdn, 'MSISDN in Subscription-Data');
  a.client.close();
});

test('an unknown subscriber gets Experimental-Result 5001 (vendor 10415); an unserved realm gets 3003 with the E bit', async () => {
  const a = await mme('262', '01');
  a.client.send(air(3, a, '234159999999999', plmnBytes('262', '01')));
  const refused = parseMessage((await a.client.nextApp()) as Buffer);
  const experimental = parseAvps((avpOf(refused.avps, 297) as { data: Buffer }).data);
  assert.deepEqual([u32Of(avpOf(experimental, 266)), u32Of(avpOf(experimental, 298))], [10415, 5001]);
  const elsewhere = air(4, a, '234150000000001', plmnBytes('262', '01'));
  // Destination-Realm of a network this server does not serve.
  const patched = Buffer.from(elsewhere.toString('latin1').replace(HOME_REALM, 'epc.mnc099.mcc999.3gppnetwork.org'), 'latin1');
  a.client.send(patched);
  const notServed = parseMessage((await a.client.nextApp()) as Buffer);
  assert.equal(u32Of(avpOf(notServed.avps, 268)), 3003);
  assert.equal(notServed.flags & 0x20, 0x20);
  a.client.close();
});

test('a registration from a second MME makes the HSS send CLR to the first; PUR is answered with PUA', async () => {
  const subscriber = await provision(1);
  const a = await mme('262', '01');
  a.client.send(ulr(5, a, subscriber.imsi, plmnBytes('262', '01')));
  assert.equal(u32Of(avpOf(parseMessage((await a.client.nextApp()) as Buffer).avps, 268)), 2001);

  const b = await mme('208', '01');
  b.client.send(ulr(6, b, subscriber.imsi, plmnBytes('208', '01')));
  const clr = parseMessage((await a.client.nextApp()) as Buffer);
  assert.equal(clr.code, 317);
  assert.equal(clr.flags, 0xc0);
  assert.equal(avpOf(clr.avps, 293)?.data.toString(), a.host, 'Destination-Host is the first MME');
  assert.equal(avpOf(clr.avps, 1)?.data.toString(), subscriber.imsi);
  assert.equal(u32Of(avpOf(clr.avps, 1420)), 0, 'MME_UPDATE_PROCEDURE');
  a.client.send(rawMessage({ flags: 0x40, code: 317, app: 16777251, hbh: clr.hbh, e2e: clr.e2e }, [
    avpOf(clr.avps, 263) ? rawAvp({ code: 263, data: (avpOf(clr.avps, 263) as { data: Buffer }).data }) : Buffer.alloc(0),
    rawAvp({ code: 268, data: 2001 }),
    rawAvp({ code: 277, data: 1 }),
    rawAvp({ code: 264, data: a.host }),
    rawAvp({ code: 296, data: a.realm }),
  ]));
  const ula = parseMessage((await b.client.nextApp()) as Buffer);
  assert.equal(u32Of(avpOf(ula.avps, 268)), 2001);

  b.client.send(request(321, 7, b, subscriber.imsi, [rawAvp({ code: 1635, flags: 0x80, vendor: 10415, data: 1 })]));
  const pua = parseMessage((await b.client.nextApp()) as Buffer);
  assert.equal(pua.code, 321);
  assert.equal(u32Of(avpOf(pua.avps, 268)), 2001);
  a.client.close();
  b.client.close();
});
