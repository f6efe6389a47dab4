import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockNetwork } from '../../mocks/network';
import { buildFrames } from '../../src/capture/frames';
import { eia2, nasIntegrityKey } from '../../src/protocol/eia2';
import type { Rat } from '../../src/protocol/rat';
import type { RoamingEngine } from '../../src/roaming/engine';
import type { SignallingEvent } from '../../src/roaming/events';
import { captureJourney, tsharkFields, tsharkSkip, writeFramesPcap } from './tshark-capture';

// The UE's side of each registration, read back with Wireshark's dissectors: EMM in S1AP on LTE, MM in RANAP on
// UMTS and in BSSAP on GSM, each field as TS 24.301 / 24.008 write it.
/** A journey's capture in which every event became frames. */
async function capture(name: string, drive: (engine: RoamingEngine, imsi: string) => Promise<void>, prepare?: (network: MockNetwork, imsi: string) => void) {
  const captured = await captureJourney(name, 'postpaid', drive, prepare);
  assert.deepEqual(captured.skipped, [], 'every event was captured');
  return captured;
}
const fields = tsharkFields;
const skip = tsharkSkip;

const ZEROS = (octets: number): string => '00'.repeat(octets);

test('LTE attach: Attach Request (EPS attach, IMSI) → Authentication → Security Mode → Attach Accept, in S1AP InitialUEMessage / DL / UL NAS transport / InitialContextSetupRequest', { skip }, async () => {
  const { file, imsi, realImsi } = await capture('nas-lte', async (engine, id) => {
    assert.equal((await engine.attach(id, '262-01', 'LTE')).outcome, 'accepted');
  });
  assert.notEqual(imsi, realImsi);
  const rows = fields(file, 's1ap', ['s1ap.procedureCode', 'nas_eps.nas_msg_emm_type', 'nas_eps.security_header_type', 'ip.src', 'sctp.port', 'sctp.data_payload_proto_id']);
  assert.deepEqual(
    rows.map((r) => [r[0], r[1]]),
    [
      ['12', '0x41'],
      ['11', '0x52'],
      ['13', '0x53'],
      ['11', '0x5d'],
      ['13', '0x5e'],
      ['9', '0x42'],
    ],
    'InitialUEMessage(Attach Request), DL(Authentication Request), UL(Authentication Response), DL(SMC), UL(SMC Complete), InitialContextSetupRequest(Attach Accept)',
  );
  // Plain until the Security Mode Command (3: integrity protected, new context), then protected (4, then 2).
  assert.deepEqual(rows.map((r) => r[2]), ['0', '0', '0', '3,0', '4,0', '2,0']);
  assert.ok(rows.every((r) => r[3].startsWith('10.13.') || r[3].startsWith('10.3.')), 'between the eNodeB (10.13/16) and the MME (10.3/16)');
  assert.ok(rows.every((r) => r[4] === '36412,36412' && r[5] === '18'), 'SCTP port 36412, PPID 18');

  const [request] = fields(file, 'nas_eps.nas_msg_emm_type == 0x41', ['nas_eps.emm.eps_att_type', 'e212.imsi', 's1ap.RRC_Establishment_Cause', 'e212.tai.mcc', 'e212.tai.mnc']);
  assert.deepEqual(request, ['1', imsi, '3', '262', '1'], 'EPS attach, the pseudonymised IMSI, mo-Signalling, TAI in 262-01');
  assert.equal(fields(file, `frame contains "${Buffer.from(realImsi).toString()}"`, ['frame.number']).length, 0);
  const [challenge] = fields(file, 'nas_eps.nas_msg_emm_type == 0x52', ['gsm_a.dtap.rand', 'gsm_a.dtap.autn']);
  assert.deepEqual(challenge, [ZEROS(16), ZEROS(16)], 'RAND and AUTN present, zeroed as the S6a vectors are');
  const [response] = fields(file, 'nas_eps.nas_msg_emm_type == 0x53', ['nas_eps.emm.res']);
  assert.equal(response[0], ZEROS(8));
  const [smc] = fields(file, 'nas_eps.nas_msg_emm_type == 0x5d', ['nas_eps.emm.toc', 'nas_eps.emm.toi']);
  assert.deepEqual(smc, ['0', '2'], 'EEA0 (null ciphering) and 128-EIA2 selected');
  const [accept] = fields(file, 'nas_eps.nas_msg_emm_type == 0x42', ['nas_eps.emm.EPS_attach_result', 'nas_eps.nas_msg_esm_type', 'gsm_a.gm.sm.apn', 'nas_eps.emm.m_tmsi']);
  assert.equal(accept[0], '1', 'EPS only');
  assert.equal(accept[1], '0xc1', 'Activate Default EPS Bearer Context Request in the ESM container');
  assert.equal(accept[2], 'internet', 'the subscribed default APN from the ULA');
  assert.ok(accept[3].length > 0, 'a GUTI');

  // The initial context: the default bearer's E-RAB (EBI 5, QCI and ARP from the ULA) towards the S-GW, UE-AMBR, K_eNB.
  const [context] = fields(file, 's1ap.procedureCode == 9', ['s1ap.e_RAB_ID', 's1ap.qCI', 's1ap.priorityLevel', 's1ap.transportLayerAddressIPv4', 's1ap.uEaggregateMaximumBitRateDL', 's1ap.uEaggregateMaximumBitRateUL', 's1ap.SecurityKey']);
  assert.deepEqual(context.slice(0, 3), ['5', '9', '8']);
  assert.match(context[3], /^10\.5\./, 'the S-GW (10.5/16)');
  assert.deepEqual(context.slice(4, 6), ['100000000', '50000000']);
  assert.equal(context[6].replace(/:/g, '').length, 64, 'a 256-bit K_eNB');

  // Protected messages carry the 128-EIA2 MAC under K_NASint from the AIA's KASME (zero bytes, scrubbed).
  const key = nasIntegrityKey(Buffer.alloc(32));
  const protectedPdus = fields(file, 'nas_eps.security_header_type > 0', ['s1ap.procedureCode', 's1ap.NAS_PDU', 's1ap.nAS_PDU']);
  assert.equal(protectedPdus.length, 3);
  for (const [procedure, transported, inContext] of protectedPdus) {
    const pdu = transported || inContext;
    const nas = Buffer.from(pdu, 'hex');
    const direction = procedure === '13' ? 0 : 1;
    assert.ok(['9', '11', '13'].includes(procedure));
    assert.equal(nas.subarray(1, 5).toString('hex'), eia2(key, nas[5], 0, direction, nas.subarray(5)).toString('hex'), `MAC of ${pdu}`);
  }
});

test('LTE combined attach and a move: Attach Request type combined EPS/IMSI, then a Tracking Area Update Request with the old GUTI', { skip }, async () => {
  const { file } = await capture('nas-lte-combined', async (engine, id) => {
    assert.equal((await engine.attach(id, '262-01', 'LTE', true)).outcome, 'accepted');
    assert.equal((await engine.move(id, '208-01', 'LTE')).outcome, 'accepted');
  });
  const [attach] = fields(file, 'nas_eps.nas_msg_emm_type == 0x41', ['nas_eps.emm.eps_att_type']);
  assert.equal(attach[0], '2', 'combined EPS/IMSI attach');
  const [accept] = fields(file, 'nas_eps.nas_msg_emm_type == 0x42', ['nas_eps.emm.EPS_attach_result', 'e212.lai.mcc']);
  assert.deepEqual(accept, ['2', '262'], 'combined result with the LAI');
  const [acceptGuti] = fields(file, 'nas_eps.nas_msg_emm_type == 0x42', ['nas_eps.emm.m_tmsi']);
  const [tau] = fields(file, 'nas_eps.nas_msg_emm_type == 0x48', ['nas_eps.emm.update_type_value', 'nas_eps.emm.m_tmsi', 's1ap.procedureCode']);
  assert.deepEqual(tau, ['0', acceptGuti[0], '12'], 'TA updating, the GUTI the first MME assigned, in an InitialUEMessage');
  assert.equal(fields(file, 'nas_eps.nas_msg_emm_type == 0x49', ['frame.number']).length, 1, 'Tracking Area Update Accept');
});

test('LTE refusal: Attach Reject with EMM cause #11 PLMN not allowed for a network without an agreement', { skip }, async () => {
  const { file } = await capture('nas-lte-reject', async (engine, id) => {
    assert.equal((await engine.attach(id, '262-01', 'LTE')).outcome, 'rejected');
  }, (network) => network.agreements.remove('234-15', '262-01'));
  const rows = fields(file, 'nas-eps', ['nas_eps.nas_msg_emm_type', 'nas_eps.emm.cause']);
  assert.deepEqual(rows.at(-1), ['0x44', '11']);
});

test('authentication failure: the USIM rejects the network (MAC failure) → Authentication Failure #20, then Authentication Reject', { skip }, async () => {
  for (const rat of ['LTE', 'UMTS'] as const) {
    const { file } = await capture(`nas-mac-${rat}`, async (engine, id) => {
      assert.equal((await engine.attach(id, '262-01', rat)).outcome, 'rejected');
    }, (network, id) => {
      const sim = network.store.sim(id);
      assert.ok(sim);
      sim.foreignKey = true;
    });
    if (rat === 'LTE') {
      const rows = fields(file, 'nas-eps', ['nas_eps.nas_msg_emm_type', 'nas_eps.emm.cause']);
      assert.deepEqual(rows.slice(-2), [['0x5c', '20'], ['0x54', '']]);
    } else {
      const rows = fields(file, 'gsm_a.dtap', ['gsm_a.dtap.msg_mm_type', 'gsm_a.dtap.rej_cause']);
      assert.deepEqual(rows.slice(-2), [['0x1c', '20'], ['0x11', '']]);
    }
  }
});

test('synch failure: Authentication Failure #21 with the AUTS when the request carries one', { skip }, () => {
  const base = {
    protocol: 'NAS',
    procedure: 'Authentication',
    from: { kind: 'UE', plmn: '234-15' },
    subscriber: { imsi: '234150000000001' },
    homePlmn: '234-15',
    visitedPlmn: '262-01',
    attempt: 1,
    latencyMs: 1,
    outcome: { status: 'error', error: { kind: 'local', name: 'authenticationFailure', detail: 'UE reported synchFailure' } },
  } as const;
  const events = (['LTE', 'UMTS', 'GSM'] as Rat[]).map(
    (rat, i) =>
      ({
        ...base,
        id: i + 1,
        rat,
        to: { kind: rat === 'LTE' ? 'MME' : 'VLR', plmn: '262-01' },
        request: { imsi: '234150000000001', failure: 'synchFailure', auts: '0102030405060708090a0b0c0d0e' },
        startedAt: 1000 + i * 10,
        endedAt: 1005 + i * 10,
        startTick: i * 2,
        endTick: i * 2 + 1,
      }) as unknown as SignallingEvent,
  );
  const { frames, skipped } = buildFrames(events);
  assert.deepEqual(skipped, []);
  assert.deepEqual(frames.map((f) => f.summary), [
    'S1AP Authentication Failure #21',
    'S1AP Authentication Reject EMM #21 synch failure',
    'RANAP Authentication Failure #21',
    'RANAP Authentication Reject MM #21 synch failure',
    'BSSAP Authentication Failure #21',
    'BSSAP Authentication Reject MM #21 synch failure',
  ]);
  if (skip) return;
  const file = writeFramesPcap('auts', frames);
  assert.deepEqual(fields(file, '_ws.expert || _ws.malformed', ['frame.number']), []);
  assert.deepEqual(fields(file, 'nas_eps.nas_msg_emm_type == 0x5c', ['nas_eps.emm.cause', 'gsm_a.dtap.auts']), [['21', '0102030405060708090a0b0c0d0e']]);
  assert.deepEqual(fields(file, 'gsm_a.dtap.msg_mm_type == 0x1c', ['gsm_a.dtap.rej_cause', 'gsm_a.dtap.auts']), [
    ['21', '0102030405060708090a0b0c0d0e'],
    ['21', '0102030405060708090a0b0c0d0e'],
  ]);
});

test('resynchronisation: an Authentication answered by a new challenge is framed as an Authentication Request', { skip }, () => {
  const events = (['LTE', 'UMTS'] as Rat[]).map(
    (rat, i) =>
      ({
        protocol: 'NAS',
        procedure: 'Authentication',
        from: { kind: 'UE', plmn: '234-15' },
        to: { kind: rat === 'LTE' ? 'MME' : 'VLR', plmn: '262-01' },
        rat,
        subscriber: { imsi: '234150000000001' },
        homePlmn: '234-15',
        visitedPlmn: '262-01',
        attempt: 1,
        latencyMs: 1,
        id: i + 1,
        request: { imsi: '234150000000001', failure: 'synchFailure', auts: ZEROS(14) },
        outcome: { status: 'ok', response: { rand: '11'.repeat(16), autn: '22'.repeat(16) } },
        startedAt: 1000 + i * 10,
        endedAt: 1005 + i * 10,
        startTick: i * 2,
        endTick: i * 2 + 1,
      }) as unknown as SignallingEvent,
  );
  const { frames, skipped } = buildFrames(events);
  assert.deepEqual(skipped, []);
  assert.deepEqual(frames.filter((f) => f.direction === 'answer').map((f) => f.summary), ['S1AP Authentication Request', 'RANAP Authentication Request']);
  const file = writeFramesPcap('resync', frames);
  assert.deepEqual(fields(file, '_ws.expert || _ws.malformed', ['frame.number']), []);
  assert.deepEqual(fields(file, 'nas_eps.nas_msg_emm_type == 0x52 || gsm_a.dtap.msg_mm_type == 0x12', ['gsm_a.dtap.rand', 'gsm_a.dtap.autn']), [
    ['11'.repeat(16), '22'.repeat(16)],
    ['11'.repeat(16), '22'.repeat(16)],
  ]);
});

test('GSM location updating: BSSMAP Complete Layer 3 Information with the LU Request, DTAP authentication, Cipher Mode, LU Accept; IMSI detach', { skip }, async () => {
  const { file, imsi } = await capture('nas-gsm', async (engine, id) => {
    assert.equal((await engine.attach(id, '262-01', 'GSM')).outcome, 'accepted');
    await engine.detach(id);
  });
  const rows = fields(file, 'bssap', ['gsm_a.bssmap.msgtype', 'gsm_a.dtap.msg_mm_type', 'sccp.called.ssn', 'm3ua.protocol_data_opc', 'm3ua.protocol_data_dpc']);
  assert.deepEqual(
    rows.map((r) => [r[0], r[1]]),
    [
      ['0x57', '0x08'],
      ['', '0x12'],
      ['', '0x14'],
      ['0x53', ''],
      ['0x55', ''],
      ['', '0x02'],
      ['0x57', '0x01'],
    ],
  );
  assert.ok(rows.every((r) => r[2] === '254'), 'SCCP SSN 254 (BSSAP)');
  const bsc = rows[0][3];
  assert.equal(Number(bsc) >> 11, 0, 'the BSC has role 0 in the point-code plan');
  assert.equal(Number(rows[0][4]) >> 11, 1, 'the VLR has role 1');
  const [lu] = fields(file, 'gsm_a.dtap.msg_mm_type == 0x08', ['e212.imsi', 'e212.lai.mcc', 'e212.lai.mnc', 'gsm_a.lac']);
  assert.equal(lu[0], imsi);
  assert.deepEqual(lu.slice(1, 3), ['262', '1']);
  const [accept] = fields(file, 'gsm_a.dtap.msg_mm_type == 0x02', ['gsm_a.lac']);
  assert.equal(accept[0], lu[3], 'accepted in the LAI it asked for');
  const [challenge] = fields(file, 'gsm_a.dtap.msg_mm_type == 0x12', ['gsm_a.dtap.rand', 'gsm_a.dtap.autn']);
  assert.deepEqual(challenge, [ZEROS(16), ''], 'RAND only on GSM');
  const [response] = fields(file, 'gsm_a.dtap.msg_mm_type == 0x14', ['gsm_a.dtap.sres', 'gsm_a.dtap.xres']);
  assert.deepEqual(response, [ZEROS(4), ''], 'SRES, no extension');
});

test('UMTS location updating: RANAP InitialUE-Message / DirectTransfer, AUTN and RES extension, RANAP Security Mode', { skip }, async () => {
  const { file, imsi } = await capture('nas-umts', async (engine, id) => {
    assert.equal((await engine.attach(id, '262-01', 'UMTS')).outcome, 'accepted');
  });
  const rows = fields(file, 'ranap', ['ranap.procedureCode', 'gsm_a.dtap.msg_mm_type', 'sccp.called.ssn']);
  assert.deepEqual(
    rows.map((r) => [r[0], r[1]]),
    [
      ['19', '0x08'],
      ['20', '0x12'],
      ['20', '0x14'],
      ['6', ''],
      ['6', ''],
      ['20', '0x02'],
    ],
  );
  assert.ok(rows.every((r) => r[2] === '142'), 'SCCP SSN 142 (RANAP)');
  const [lu] = fields(file, 'gsm_a.dtap.msg_mm_type == 0x08', ['e212.imsi', 'ranap.lAC']);
  assert.equal(lu[0], imsi);
  const [challenge] = fields(file, 'gsm_a.dtap.msg_mm_type == 0x12', ['gsm_a.dtap.rand', 'gsm_a.dtap.autn']);
  assert.deepEqual(challenge, [ZEROS(16), ZEROS(16)]);
  const [response] = fields(file, 'gsm_a.dtap.msg_mm_type == 0x14', ['gsm_a.dtap.sres', 'gsm_a.dtap.xres']);
  assert.deepEqual(response, [ZEROS(4), ZEROS(4)], 'RES: 4 octets in SRES, the rest in the extension IE');
});

test('GSM refusal: Location Updating Reject with MM cause #11 PLMN not allowed', { skip }, async () => {
  const { file } = await capture('nas-gsm-reject', async (engine, id) => {
    assert.equal((await engine.attach(id, '262-01', 'GSM')).outcome, 'rejected');
  }, (network) => network.agreements.remove('234-15', '262-01'));
  const rows = fields(file, 'gsm_a.dtap', ['gsm_a.dtap.msg_mm_type', 'gsm_a.dtap.rej_cause']);
  assert.deepEqual(rows.at(-1), ['0x04', '11']);
});

test('LTE detach: Detach Request (EPS detach, IMSI) in an InitialUEMessage, Detach Accept', { skip }, async () => {
  const { file, imsi } = await capture('nas-detach', async (engine, id) => {
    assert.equal((await engine.attach(id, '262-01', 'LTE')).outcome, 'accepted');
    await engine.detach(id);
  });
  const rows = fields(file, 'nas_eps.nas_msg_emm_type == 0x45 || nas_eps.nas_msg_emm_type == 0x46', ['s1ap.procedureCode', 'nas_eps.nas_msg_emm_type', 'nas_eps.emm.detach_type_ul', 'e212.imsi']);
  assert.deepEqual(rows, [
    ['12', '0x45', '1', imsi],
    ['11', '0x46', '', ''],
  ]);
});

test('combined detach: a Detach Request with `combined: true` has detach type 3 (combined EPS/IMSI)', { skip }, () => {
  const event = {
    protocol: 'NAS',
    procedure: 'Detach',
    from: { kind: 'UE', plmn: '234-15' },
    to: { kind: 'MME', plmn: '262-01' },
    rat: 'LTE',
    subscriber: { imsi: '234150000000001' },
    homePlmn: '234-15',
    visitedPlmn: '262-01',
    attempt: 1,
    latencyMs: 1,
    id: 1,
    request: { imsi: '234150000000001', combined: true },
    outcome: { status: 'ok', response: { detached: true, purged: true } },
    startedAt: 1000,
    endedAt: 1005,
    startTick: 0,
    endTick: 1,
  } as unknown as SignallingEvent;
  const { frames, skipped } = buildFrames([event]);
  assert.deepEqual(skipped, []);
  const file = writeFramesPcap('combined-detach', frames);
  assert.deepEqual(fields(file, '_ws.expert || _ws.malformed', ['frame.number']), []);
  assert.deepEqual(fields(file, 'nas-eps', ['nas_eps.nas_msg_emm_type', 'nas_eps.emm.detach_type_ul', 'e212.imsi']), [
    ['0x45', '3', '234150000000001'],
    ['0x46', '', ''],
  ]);
});
