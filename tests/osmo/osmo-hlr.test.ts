import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { GsupClient } from '../../src/gsup/client';
import { GsupTimeout } from '../../src/gsup/endpoint';
import { gsupPeerName } from '../../src/gsup/names';
import { OsmoCtrl, parseOsmoCtrlUrl } from '../../src/gsup/osmo-ctrl';
import { type OsmoHlrProcess, startOsmoHlr } from '../../src/gsup/osmo-hlr-process';
import { osmoVtyCommand } from '../../src/gsup/osmo-vty';
import { OsmoHome } from '../../src/gsup/osmo-home';
import { PeerProblems } from '../../src/gsup/problems';
import { type AuthTuple, describeType } from '../../src/protocol/gsup';
import { buildAuts, gsmFromUmts, milenage, verifyAutn } from '../../src/protocol/milenage';

/**
 * roamsim's GSUP client against the real osmo-hlr (Debian package): one fresh instance for this file, its
 * config and database in a temp dir, bound to a free loopback address, stopped by pid in every path.
 */

const installed = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v osmo-hlr'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = installed ? false : 'osmo-hlr is not installed (scripts/setup-system.sh or apt-get install -y osmo-hlr)';

const K = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const OPC = Buffer.from('cd63cb71954a9f4e48a5994e37a02baf', 'hex');
let serial = 0;
/** osmo-hlr keeps MSISDNs unique: each subscriber gets its own. */
const msisdnOf = (imsi: string) => `4917000${imsi.slice(-5)}`;
const nextImsi = () => `00101000000${String(++serial).padStart(4, '0')}`;

let hlr: OsmoHlrProcess | undefined;
let ctrl: OsmoCtrl;
const clients: GsupClient[] = [];
const lines: string[] = [];
const problems = new PeerProblems((line) => lines.push(line));

before(async () => {
  if (skip) return;
  hlr = await startOsmoHlr();
  const { host, port } = parseOsmoCtrlUrl(hlr.provision, 'test');
  ctrl = await OsmoCtrl.connect(host, port);
});

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  ctrl?.close();
  await hlr?.stop();
});

async function vlr(visited: string, domain: 'CS' | 'PS', options: { isd?: 'answer' | 'ignore'; deadlineMs?: number } = {}) {
  const running = hlr as OsmoHlrProcess;
  const client = await GsupClient.connect({ host: running.host, port: 4222, name: gsupPeerName(visited, domain), problems, ...options });
  clients.push(client);
  return client;
}

async function subscriber(): Promise<string> {
  const imsi = nextImsi();
  await ctrl.createSubscriber({ imsi, msisdn: msisdnOf(imsi), k: K, opc: OPC });
  return imsi;
}

const kind = (type: number) => describeType(type)?.kind;

/** The tuple is Milenage for K/OPc: AUTN verifies, RES/CK/IK recompute, SRES/Kc are the c2/c3 conversions. */
function assertMilenage(tuple: AuthTuple, amf: string) {
  const check = verifyAutn(K, OPC, tuple.rand, tuple.autn as Buffer);
  assert.ok(check.ok, 'AUTN verifies under K/OPc');
  if (!check.ok) return;
  assert.equal((tuple.autn as Buffer).subarray(6, 8).toString('hex'), amf);
  const out = milenage({ k: K, opc: OPC, rand: tuple.rand, sqn: check.sqn, amf: Buffer.from(amf, 'hex') });
  assert.deepEqual(tuple.res, out.res);
  assert.deepEqual(tuple.ck, out.ck);
  assert.deepEqual(tuple.ik, out.ik);
  const gsm = gsmFromUmts(out.res, out.ck, out.ik);
  assert.deepEqual(tuple.sres, gsm.sres);
  assert.deepEqual(tuple.kc, gsm.kc);
}

test('SendAuthInfo: 5 vectors by default, each Milenage for the provisioned K/OPc', { skip }, async () => {
  const imsi = await subscriber();
  const answer = await (await vlr('262-01', 'CS')).sendAuthInfo(imsi, { cnDomain: 'CS' });
  assert.equal(kind(answer.type), 'result');
  assert.equal(answer.authTuples?.length, 5);
  for (const tuple of answer.authTuples ?? []) assertMilenage(tuple, '0000');
});

test('SendAuthInfo: the vector count is capped at 5 when more are asked; fewer are honoured', { skip }, async () => {
  const imsi = await subscriber();
  const client = await vlr('262-01', 'PS');
  assert.equal((await client.sendAuthInfo(imsi, { numVectors: 9 })).authTuples?.length, 5);
  assert.equal((await client.sendAuthInfo(imsi, { numVectors: 2 })).authTuples?.length, 2);
});

test('SendAuthInfo for E-UTRAN (current RAT 3): AMF separation bit set (8000)', { skip }, async () => {
  const imsi = await subscriber();
  const answer = await (await vlr('262-01', 'PS')).sendAuthInfo(imsi, { numVectors: 1, currentRat: 3 });
  assertMilenage(answer.authTuples?.[0] as AuthTuple, '8000');
});

test('resynchronisation: AUTS after an SQN failure moves the HLR past SQN_MS', { skip }, async () => {
  const imsi = await subscriber();
  const client = await vlr('262-01', 'CS');
  const rand = (await client.sendAuthInfo(imsi, { numVectors: 1 })).authTuples?.[0].rand as Buffer;
  const sqnMs = Buffer.alloc(6);
  sqnMs.writeUIntBE(32007, 0, 6);
  const again = await client.sendAuthInfo(imsi, { numVectors: 1, rand, auts: buildAuts(K, OPC, rand, sqnMs) });
  assert.equal(kind(again.type), 'result');
  const check = verifyAutn(K, OPC, again.authTuples?.[0].rand as Buffer, again.authTuples?.[0].autn as Buffer);
  assert.ok(check.ok);
  if (check.ok) assert.ok(check.sqn.readUIntBE(0, 6) > 32007, `SQN ${check.sqn.readUIntBE(0, 6)} is fresh`);
});

test('UpdateLocation: InsertSubscriberData with the MSISDN first, then the result; the HLR stores our VLR name', { skip }, async () => {
  const imsi = await subscriber();
  const client = await vlr('262-01', 'CS');
  const ul = await client.updateLocation(imsi, { cnDomain: 'CS' });
  assert.equal(kind(ul.type), 'result');
  assert.equal(client.pushes.InsertSubscriberData, 1);
  assert.deepEqual(client.served.get(imsi), { msisdn: msisdnOf(imsi), cnDomain: 'CS' });
  assert.equal((await ctrl.info(imsi))?.vlrNumber, client.name);
  const sgsn = await vlr('262-01', 'PS');
  assert.equal(kind((await sgsn.updateLocation(imsi, { cnDomain: 'PS' })).type), 'result');
  assert.deepEqual(sgsn.served.get(imsi)?.pdpInfo, [{ contextId: 1, apn: '*' }]);
  assert.equal((await ctrl.info(imsi))?.sgsnNumber, sgsn.name);
});

test('PurgeMS: result, and the HLR marks the subscriber purged', { skip }, async () => {
  const imsi = await subscriber();
  const client = await vlr('262-01', 'CS');
  await client.updateLocation(imsi, { cnDomain: 'CS' });
  assert.equal(kind((await client.purgeMs(imsi, 'CS')).type), 'result');
  assert.equal((await ctrl.info(imsi))?.purgedCs, true);
});

test('unknown subscriber: SendAuthInfo, UpdateLocation and PurgeMS all answer cause 2', { skip }, async () => {
  const client = await vlr('262-01', 'CS');
  const unknown = '001019999999999';
  for (const answer of [await client.sendAuthInfo(unknown), await client.updateLocation(unknown, { cnDomain: 'CS' }), await client.purgeMs(unknown, 'CS')]) {
    assert.deepEqual([kind(answer.type), answer.cause], ['error', 2]);
  }
});

test('barring (network access mode none): UL refused with 11 on CS and 7 on PS; SendAuthInfo still served', { skip }, async () => {
  const imsi = await subscriber();
  await ctrl.setAccess(imsi, { cs: false, ps: false });
  assert.equal((await (await vlr('262-01', 'CS')).updateLocation(imsi, { cnDomain: 'CS' })).cause, 11);
  const sgsn = await vlr('262-01', 'PS');
  assert.equal((await sgsn.updateLocation(imsi, { cnDomain: 'PS' })).cause, 7);
  assert.equal(kind((await sgsn.sendAuthInfo(imsi)).type), 'result');
});

test('a second UpdateLocation from another VLR: osmo-hlr 1.5 sends the old VLR no LocationCancel', { skip }, async () => {
  const imsi = await subscriber();
  const first = await vlr('262-01', 'CS');
  const second = await vlr('208-01', 'CS');
  await first.updateLocation(imsi, { cnDomain: 'CS' });
  assert.equal(kind((await second.updateLocation(imsi, { cnDomain: 'CS' })).type), 'result');
  // osmo-hlr is single-threaded: a cancel sent during the second UL would reach the first VLR before this answer.
  await first.sendAuthInfo(imsi, { numVectors: 1 });
  assert.equal(first.pushes.LocationCancel, 0);
  assert.equal(first.served.has(imsi), true, 'the old VLR still believes it serves the subscriber');
  assert.equal((await ctrl.info(imsi))?.vlrNumber, second.name);
});

test('an unanswered InsertSubscriberData leaves osmo-hlr silent: our deadline ends the UL', { skip }, async () => {
  const imsi = await subscriber();
  const silent = await vlr('262-01', 'CS', { isd: 'ignore', deadlineMs: 400 });
  await assert.rejects(silent.updateLocation(imsi, { cnDomain: 'CS' }), GsupTimeout);
});

test('provisioning: delete forgets the subscriber (info reads nothing, SendAuthInfo answers 2)', { skip }, async () => {
  const imsi = await subscriber();
  await ctrl.deleteSubscriber(imsi);
  assert.equal(await ctrl.info(imsi), undefined);
  assert.equal((await (await vlr('262-01', 'CS')).sendAuthInfo(imsi)).cause, 2);
});

test('barring an attached subscriber (VTY network-access-mode none): osmo-hlr pushes DeleteSubscriberData to our VLR, routed by our SERNR', { skip }, async () => {
  const imsi = await subscriber();
  const client = await vlr('262-01', 'CS');
  await client.updateLocation(imsi, { cnDomain: 'CS' });
  await osmoVtyCommand((hlr as OsmoHlrProcess).host, 4258, `subscriber imsi ${imsi} update network-access-mode none`);
  // Bounded wait for the push; a SAI round trip after each check keeps the ordering on the connection.
  for (let i = 0; i < 20 && client.pushes.DeleteSubscriberData === 0; i++) await client.sendAuthInfo(imsi, { numVectors: 1 });
  assert.ok(client.pushes.DeleteSubscriberData >= 1, 'DeleteSubscriberData reached the VLR');
  assert.equal(client.served.has(imsi), false, 'the VLR dropped the subscriber');
});

test('barring through CTRL (cs-enabled 0) refuses the next UL but pushes nothing to the serving VLR', { skip }, async () => {
  const imsi = await subscriber();
  const client = await vlr('262-01', 'CS');
  await client.updateLocation(imsi, { cnDomain: 'CS' });
  await ctrl.setAccess(imsi, { cs: false, ps: true });
  await client.sendAuthInfo(imsi, { numVectors: 1 });
  assert.equal(client.pushes.DeleteSubscriberData, 0);
  assert.equal((await client.updateLocation(imsi, { cnDomain: 'CS' })).cause, 11);
});

test('VTY: a command on an unknown subscriber is refused with its % line', { skip }, async () => {
  await assert.rejects(osmoVtyCommand((hlr as OsmoHlrProcess).host, 4258, 'subscriber imsi 001019999999998 update network-access-mode none'), /osmo-hlr VTY refused "subscriber imsi <IMSI> update network-access-mode none": % No subscriber for imsi = '<IMSI>'/);
});

test('AuthFailureReport and CheckIMEI: osmo-hlr takes the report without an answer, the connection goes on', { skip }, async () => {
  const imsi = await subscriber();
  const client = await vlr('262-01', 'CS');
  client.authFailureReport(imsi, 'CS');
  assert.equal(kind((await client.sendAuthInfo(imsi, { numVectors: 1 })).type), 'result');
  const imei = await client.checkImei(imsi, '35693803564380');
  assert.equal(describeType(imei.type)?.procedure, 'CheckIMEI');
  assert.equal(problems.count('unsolicited-answer'), 0);
});

test("OsmoHome: the element seam's faces on osmo-hlr — create, locate, bar, change key, forget", { skip }, async () => {
  const running = hlr as OsmoHlrProcess;
  const [host, port] = [running.host, 4259];
  const home = new OsmoHome('001-01', { gsup: { host, port: 4222 }, provision: { kind: 'osmo-ctrl', host, port } });
  try {
    const imsi = nextImsi();
    await home.createSubscriber({ identity: { index: 0, imsi, msisdn: msisdnOf(imsi), homePlmn: '001-01', profile: 'postpaid' }, keys: { ki: K, opc: OPC } });
    assert.deepEqual(await home.locate(imsi), { known: true, source: 'element', barred: false });
    const client = await vlr('262-01', 'CS');
    await client.updateLocation(imsi, { cnDomain: 'CS' });
    assert.deepEqual(await home.locate(imsi), { known: true, source: 'element', barred: false, serving: { kind: 'VLR', plmn: '262-01', address: client.name } });
    await home.bar(imsi, true);
    assert.equal((await home.locate(imsi)).known && (await home.locate(imsi) as { barred?: boolean }).barred, true);
    await home.bar(imsi, false);
    await home.changeKey(imsi);
    const tuple = (await client.sendAuthInfo(imsi, { numVectors: 1 })).authTuples?.[0] as AuthTuple;
    assert.equal(verifyAutn(K, OPC, tuple.rand, tuple.autn as Buffer).ok, false, 'the SIM key no longer matches');
    await home.forget(imsi);
    assert.deepEqual(await home.locate(imsi), { known: false, source: 'element' });
  } finally {
    await home.close();
  }
});
