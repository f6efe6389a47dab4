import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockNetwork } from '../../mocks/network';
import { diameterError, mapError } from '../../src/protocol/codes';
import { loadConfig } from '../../src/config/load';
import type { RoamingEngine } from '../../src/roaming/engine';
import { putUsimAhead } from '../../src/subscribers/store';
import { captureJourney, tsharkFields, tsharkSkip } from './tshark-capture';

// The fidelity set: journeys through the real engine and mocks, captured, and read back field by field with
// Wireshark's own dissectors (`tshark -T fields -e …`). Each test names the 3GPP content it checks.
const config = loadConfig({ announce: () => undefined });

/** A journey's scrubbed capture (checked free of expert and malformed frames). */
async function capture(name: string, profile: string, drive: (engine: RoamingEngine, imsi: string) => Promise<void>, prepare?: (network: MockNetwork, imsi: string) => void): Promise<string> {
  return (await captureJourney(name, profile, drive, prepare)).file;
}
const fields = tsharkFields;
const skip = tsharkSkip;

test('ULA Subscription-Data: MSISDN, status, access mode, AMBR, APN-Configuration-Profile with the default APN and its QoS', { skip }, async () => {
  const file = await capture('ula', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'accepted');
  });
  const ula = 'diameter.cmd.code == 316 && diameter.flags.request == 0';
  const [row] = fields(file, ula, [
    'diameter.Subscriber-Status',
    'diameter.Network-Access-Mode',
    'diameter.Max-Requested-Bandwidth-UL',
    'diameter.Max-Requested-Bandwidth-DL',
    'diameter.Context-Identifier',
    'diameter.All-APN-Configurations-Included-Indicator',
    'diameter.Service-Selection',
    'diameter.PDN-Type',
    'diameter.QoS-Class-Identifier',
    'diameter.Priority-Level',
  ]);
  assert.deepEqual(row, ['0', '0', '50000000,50000000', '100000000,100000000', '1,1', '0', 'internet', '2', '9', '8']);
  assert.equal(fields(file, `${ula} && diameter.MSISDN`, ['frame.number']).length, 1, 'ULA carries the MSISDN');
  assert.equal(fields(file, `${ula} && diameter.Operator-Determined-Barring`, ['frame.number']).length, 0, 'no ODB for an unbarred profile');
});

test('ULA for a barred profile: OPERATOR_DETERMINED_BARRING with the ODB mask, two APNs, access restrictions', { skip }, async () => {
  const file = await capture('ula-odb', 'business', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'accepted');
  });
  const ula = 'diameter.cmd.code == 316 && diameter.flags.request == 0';
  const [row] = fields(file, ula, ['diameter.Subscriber-Status', 'diameter.Operator-Determined-Barring', 'diameter.Service-Selection', 'diameter.3gpp.acc_res_dat_flags_bit6']);
  // business (config/roaming.yaml): ODB all outgoing international calls = S6a bit 4 (0x10); APNs internet and ims; NB-IoT not allowed.
  assert.deepEqual(row, ['1', '16', 'internet,ims', '1']);
});

test('MAP InsertSubscriberData: category, subscriberStatus, teleservices, provisioned SS, networkAccessMode', { skip }, async () => {
  const file = await capture('isd', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
  });
  const isd = 'gsm_old.invoke_element && gsm_old.localValue == 7';
  const [row] = fields(file, isd, ['gsm_map.ms.category', 'gsm_map.ms.subscriberStatus', 'gsm_map.ms.Ext_TeleserviceCode', 'gsm_map.ms.ss_Code', 'e164.msisdn']);
  assert.equal(row[0], '0a');
  assert.equal(row[1], '0');
  assert.equal(row[2], '17,18,33,34', 'telephony 0x11, emergency calls 0x12, SMS MT 0x21, SMS MO 0x22');
  assert.equal(row[3], '17,65,66', 'CLIP 0x11, call waiting 0x41, call hold 0x42 as ss-Data');
  assert.ok(row[4].length > 0, 'the MSISDN (pseudonymised) is there');
});

test('MAP InsertSubscriberData for a barred profile: subscriberStatus operatorDeterminedBarring and odb-GeneralData', { skip }, async () => {
  const file = await capture('isd-odb', 'business', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'UMTS')).outcome, 'accepted');
  });
  const isd = 'gsm_old.invoke_element && gsm_old.localValue == 7';
  const [row] = fields(file, isd, ['gsm_map.ms.subscriberStatus', 'gsm_map.ms.odb_GeneralData']);
  assert.equal(row[0], '1');
  // internationalOGCallsBarred is named bit 1: the second most significant bit of the first octet.
  assert.equal(row[1].slice(0, 2), '40');
});

test('CS and EPS apart: a VLR registration sends no CLR to the MME; a combined attach registers the VLR and cancels the old one', { skip }, async () => {
  const apart = await capture('apart', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'accepted');
    assert.equal((await engine.move(imsi, '208-01', 'GSM')).outcome, 'accepted');
  });
  assert.deepEqual(fields(apart, 'diameter.cmd.code == 317', ['frame.number']), [], 'no Cancel-Location to the MME');
  assert.deepEqual(fields(apart, 'gsm_old.invoke_element && gsm_old.localValue == 3', ['frame.number']), [], 'no MAP cancelLocation');

  const combined = await capture('combined', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
    assert.equal((await engine.attach(imsi, '208-01', 'LTE', true)).outcome, 'accepted');
  });
  // ULR/ULA for the EPS side, then the VLR's UpdateLocation (SGs registration), which cancels the VLR in 262-01.
  const order = fields(combined, 'diameter.cmd.code == 316 || gsm_old.invoke_element', ['diameter.cmd.code', 'gsm_old.localValue', 'sccp.called.digits', 'sccp.calling.digits']);
  const ops = order.map((row) => (row[0] ? `S6a ${row[0]}` : `MAP ${row[1]}`));
  assert.deepEqual(ops, ['MAP 56', 'MAP 2', 'MAP 7', 'S6a 316', 'S6a 316', 'MAP 2', 'MAP 3', 'MAP 7']);
  const cancel = order[6];
  const firstVlr = order[1][3];
  assert.equal(cancel[2], firstVlr, 'the cancel goes to the VLR of the first registration');
});

test('ULR-Flags: Initial-Attach-Indicator on an attach, not on a move from another MME (a tracking area update)', { skip }, async () => {
  const file = await capture('initial-attach', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'accepted');
    assert.equal((await engine.move(imsi, '208-01', 'LTE')).outcome, 'accepted');
  });
  const ulr = fields(file, 'diameter.cmd.code == 316 && diameter.flags.request == 1', ['diameter.ULR-Flags', 'diameter.3gpp.ulr_flags_bit1', 'diameter.3gpp.ulr_flags_bit5']);
  assert.deepEqual(ulr, [['34', '1', '1'], ['2', '1', '0']]);
});

test('lower layers: M3UA DATA on SCTP streams 1+, one dialogue on one stream, a verification tag per association and end', { skip }, async () => {
  const file = await capture('sctp', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
    assert.equal((await engine.move(imsi, '208-01', 'GSM')).outcome, 'accepted');
  });
  // MAP's M3UA (the A-interface BSSAP frames of the UE side run on their own associations, tested with the NAS).
  const m3ua = fields(file, 'm3ua && tcap', ['sctp.data_sid', 'tcap.otid', 'tcap.dtid', 'ip.src', 'ip.dst', 'sctp.verification_tag']);
  assert.ok(m3ua.length >= 8);
  for (const row of m3ua) assert.notEqual(row[0], '0', 'no M3UA user data on stream 0');
  // The UL dialogue (TC-BEGIN … TC-END, ISD inside) stays on one stream.
  const ul = m3ua.filter((row) => row[1] === m3ua[2][1] || row[2] === m3ua[2][1]);
  assert.ok(ul.length >= 4);
  assert.equal(new Set(ul.map((row) => row[0])).size, 1);
  // Each (source, destination) pair has one tag; the two VLR↔HLR associations share the HLR address but not tags.
  const tags = new Map<string, string>();
  for (const row of m3ua) tags.set(`${row[3]}>${row[4]}`, row[5]);
  const toHlr = [...tags.entries()].filter(([k]) => k.split('>')[1].startsWith('10.2.')).map(([, tag]) => tag);
  assert.equal(toHlr.length, 2);
  assert.notEqual(toHlr[0], toHlr[1]);
});

test('point codes follow the synthetic plan: NI 3 (national spare), 3-8-3 with the role first (1 VLR, 2 HLR)', { skip }, async () => {
  const file = await capture('point-codes', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
  });
  const rows = fields(file, 'm3ua && sccp.called.ssn == 6', ['m3ua.protocol_data_ni', 'm3ua.protocol_data_opc', 'm3ua.protocol_data_dpc']);
  assert.ok(rows.length >= 2);
  for (const [ni, opc, dpc] of rows) {
    assert.equal(ni, '3');
    assert.equal(Number(opc) >> 11, 1, `OPC ${opc} is a VLR's (role 1)`);
    assert.equal(Number(dpc) >> 11, 2, `DPC ${dpc} is an HLR's (role 2)`);
  }
});

test('MAP dialogue details: SAI v3 with requestingNodeType vlr and the requesting PLMN, quintuplets to the VLR on GERAN too, UL with vlr-Capability', { skip }, async () => {
  const file = await capture('map-details', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
  });
  const [sai] = fields(file, 'gsm_old.invoke_element && gsm_old.localValue == 56', ['gsm_map.ms.requestingNodeType', 'gsm_map.ms.requestingPLMN_Id']);
  assert.deepEqual(sai, ['0', '62f210']);
  assert.equal(fields(file, 'gsm_old.returnResultLast_element && gsm_old.localValue == 56 && gsm_map.ms.ck', ['frame.number']).length, 1, 'quintuplets (CK present) for a USIM on GERAN');
  const [ul] = fields(file, 'gsm_old.invoke_element && gsm_old.localValue == 2', ['gsm_map.ms.vlr_Capability_element', 'gsm_map.ms.supportedRAT_TypesIndicator']);
  assert.equal(ul[0], '1', 'vlr-Capability present');
  assert.ok(ul[1].length > 0, `supportedRAT-Types present (${ul[1]})`);
});

test('routing: the first messages to the home network go to the E.214 mobile global title, later ones to the HLR number it answered from', { skip }, async () => {
  const file = await capture('e214', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
    await engine.detach(imsi);
  });
  const begins = fields(file, 'tcap.begin_element && sccp.called.ssn == 6', ['gsm_old.localValue', 'sccp.called.np', 'sccp.called.digits']);
  const [answer] = fields(file, 'tcap.end_element && gsm_old.localValue == 56', ['sccp.calling.np', 'sccp.calling.digits']);
  // SAI and UL: numbering plan 7 (E.214), country code 44 + network code 99015 + the MSIN, 15 digits.
  for (const [op, np, digits] of begins.filter((row) => row[0] === '56' || row[0] === '2')) {
    assert.equal(Number(np), 7, `op ${op}`);
    assert.match(digits, /^4499015\d{8}$/, `op ${op}`);
  }
  assert.equal(Number(answer[0]), 1, 'the HLR answers from its E.164 number');
  const purge = begins.find((row) => row[0] === '67');
  assert.ok(purge, 'purgeMS was captured');
  assert.deepEqual([Number(purge[1]), purge[2]], [1, answer[1]], 'purgeMS goes to the HLR number learned from the answer');
});

test('authentication failures are reported to the HLR: authenticationFailureReport (15) wrongUserResponse on GSM, wrongNetworkSignature on UMTS', { skip }, async () => {
  for (const [rat, cause] of [['GSM', '0'], ['UMTS', '1']] as const) {
    const file = await capture(`afr-${rat}`, 'postpaid', async (engine, imsi) => {
      // The SIM holds another key than the AuC.
      assert.equal((await engine.attach(imsi, '262-01', rat)).outcome, 'rejected');
    }, (network, imsi) => {
      const sim = network.store.sim(imsi);
      assert.ok(sim);
      sim.foreignKey = true;
    });
    const rows = fields(file, 'gsm_old.invoke_element && gsm_old.localValue == 15', ['gsm_map.ms.failureCause', 'gsm_map.ms.accessType', 'tcap.application_context_name']);
    assert.equal(rows.length, 1, `${rat}: one report`);
    assert.deepEqual(rows[0], [cause, '2', '0.4.0.0.1.0.39.3']);
  }
});

test('response times vary around the configured latency (link_latency_ms ± latency_jitter/2), deterministically', { skip }, async () => {
  const times = async () => {
    const file = await capture('latency', 'postpaid', async (engine, imsi) => {
      assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'accepted');
      assert.equal((await engine.move(imsi, '208-01', 'LTE')).outcome, 'accepted');
      assert.equal((await engine.move(imsi, '262-01', 'LTE')).outcome, 'accepted');
    });
    return fields(file, 'diameter.flags.request == 0', ['diameter.resp_time']).map((row) => Math.round(Number(row[0]) * 1000));
  };
  const first = await times();
  const { linkLatencyMs, processingMs, latencyJitter } = config.simulation;
  assert.ok(latencyJitter > 0, 'config/roaming.yaml sets latency_jitter');
  const low = 2 * Math.floor(linkLatencyMs * (1 - latencyJitter / 2)) + processingMs;
  const high = 2 * Math.ceil(linkLatencyMs * (1 + latencyJitter / 2)) + processingMs;
  // Leaf exchanges (AIA) sit in the band; the set of response times is not one constant.
  for (const ms of first) assert.ok(ms >= low, `${ms} ms ≥ ${low} ms`);
  assert.ok(first.some((ms) => ms <= high), `some answer within ${high} ms`);
  assert.ok(new Set(first).size > 1, `response times vary: ${first.join(', ')}`);
  assert.deepEqual(await times(), first, 'the same run gives the same times');
});

test('resynchronisation: the second SAI carries re-synchronisationInfo (RAND, AUTS), the second AIR Re-Synchronization-Info of 30 octets, both zeroed by scrubbing', { skip }, async () => {
  const ahead = (network: MockNetwork, imsi: string) => putUsimAhead(network.store, imsi);
  const umts = await capture('resync-umts', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'UMTS')).outcome, 'accepted');
  }, ahead);
  const sai = fields(umts, 'gsm_old.invoke_element && gsm_old.localValue == 56', ['gsm_map.ms.re_synchronisationInfo_element', 'gsm_map.ms.rand', 'gsm_map.ms.auts']);
  assert.equal(sai.length, 2, 'two SAI: the first, and the one after the synch failure');
  assert.deepEqual(sai[0], ['', '', ''], 'the first SAI has no re-synchronisationInfo');
  assert.deepEqual(sai[1].slice(1), ['00'.repeat(16), '00'.repeat(14)], 'RAND (16 octets) and AUTS (14), zeroed in a scrubbed capture');
  assert.notEqual(sai[1][0], '', 're-synchronisationInfo present');
  const lte = await capture('resync-lte', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'accepted');
  }, ahead);
  const air = fields(lte, 'diameter.cmd.code == 318 && diameter.flags.request == 1', ['diameter.Re-Synchronization-Info', 'diameter.Number-Of-Requested-Vectors']);
  assert.equal(air.length, 2, 'two AIR');
  assert.deepEqual(air[0], ['', '1']);
  assert.deepEqual(air[1], ['00'.repeat(30), '1'], 'Re-Synchronization-Info: RAND ‖ AUTS, 30 octets, inside Requested-EUTRAN-Authentication-Info');
  assert.equal(fields(lte, 'diameter.Requested-EUTRAN-Authentication-Info && diameter.Re-Synchronization-Info', ['frame.number']).length, 1);
});

test('SGs combined attach: SGsAP-LOCATION-UPDATE-REQUEST (IMSI attach, MME name, new LAI), the VLR\'s MAP UpdateLocation, then ACCEPT with the LAI', { skip }, async () => {
  const { file, imsi: scrubbedImsi } = await captureJourney('sgs-attach', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '208-01', 'LTE', true)).outcome, 'accepted');
  });
  const order = fields(file, 'sgsap || (gsm_old.invoke_element && gsm_old.localValue == 2) || (tcap.end_element && gsm_old.localValue == 2) || diameter.cmd.code == 316', ['sgsap.msg_type', 'gsm_old.localValue', 'diameter.cmd.code', 'tcap.end_element']);
  const steps = order.map(([sgs, op, diameter, end]) => (sgs ? `SGsAP ${sgs}` : diameter ? `S6a ${diameter}` : `MAP ${op}${end ? ' end' : ''}`));
  // ULR/ULA, then LU request → the VLR's UL dialogue (begin … end) → LU accept.
  assert.deepEqual(steps, ['S6a 316', 'S6a 316', 'SGsAP 0x09', 'MAP 2', 'MAP 2 end', 'SGsAP 0x0a']);
  const [request] = fields(file, 'sgsap.msg_type == 0x09', ['e212.imsi', 'sgsap.mme_name', 'sgsap.eps_location_update_type', 'e212.lai.mcc', 'e212.lai.mnc', 'gsm_a.lac', 'sctp.port', 'sctp.data_payload_proto_id']);
  assert.equal(request[0], scrubbedImsi, 'the IMSI in SGsAP is the pseudonymised one');
  assert.equal(request[1], 'mmec01.mmegi8001.mme.epc.mnc001.mcc208.3gppnetwork.org');
  assert.equal(request[2], '1', 'EPS location update type: IMSI attach');
  assert.deepEqual(request.slice(3, 5), ['208', '1']);
  assert.ok(request[5].length > 0, 'a LAC');
  assert.equal(request[6].split(',')[0], '29118');
  assert.equal(request[7], '0');
  const [accept] = fields(file, 'sgsap.msg_type == 0x0a', ['e212.imsi', 'gsm_a.lac']);
  assert.deepEqual(accept, [scrubbedImsi, request[5]], 'the accept names the IMSI and the same location area');
});

test('SGs combined detach: SGsAP-IMSI-DETACH-INDICATION (combined UE initiated), the VLR\'s purgeMS, the ACK, then Purge-UE', { skip }, async () => {
  const { file, imsi: scrubbedImsi } = await captureJourney('sgs-detach', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '208-01', 'LTE', true)).outcome, 'accepted');
    await engine.detach(imsi);
  });
  const order = fields(file, 'sgsap.msg_type >= 0x11 || (gsm_old.localValue == 67) || diameter.cmd.code == 321', ['sgsap.msg_type', 'gsm_old.localValue', 'diameter.cmd.code', 'tcap.end_element']);
  const steps = order.map(([sgs, op, diameter, end]) => (sgs ? `SGsAP ${sgs}` : diameter ? `S6a ${diameter}` : `MAP ${op}${end ? ' end' : ''}`));
  assert.deepEqual(steps, ['SGsAP 0x13', 'MAP 67', 'MAP 67 end', 'SGsAP 0x14', 'S6a 321', 'S6a 321']);
  const [indication] = fields(file, 'sgsap.msg_type == 0x13', ['e212.imsi', 'sgsap.imsi_det_non_eps', 'sgsap.mme_name']);
  assert.deepEqual(indication, [scrubbedImsi, '2', 'mmec01.mmegi8001.mme.epc.mnc001.mcc208.3gppnetwork.org']);
  assert.equal(fields(file, 'sgsap.msg_type == 0x11', ['frame.number']).length, 0, 'no EPS detach indication for a combined detach');
});

test('SGs refused: the HLR\'s roamingNotAllowed becomes SGsAP-LOCATION-UPDATE-REJECT with MM cause #11, the EPS attach stays accepted', { skip }, async () => {
  const file = await capture('sgs-reject', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '208-01', 'LTE', true)).outcome, 'accepted');
  }, (network) => network.faults.add(['UpdateLocation'], { kind: 'error', error: mapError('roamingNotAllowed', 'plmnRoamingNotAllowed') }));
  const rows = fields(file, 'sgsap', ['sgsap.msg_type', 'gsm_a.dtap.rej_cause']);
  assert.deepEqual(rows, [['0x09', ''], ['0x0b', '11']]);
});

test('Diameter retries: after a 3004 answer a new ULR (new End-to-End id, no T flag); after no answer a retransmission (same End-to-End id and Session-Id, T flag)', { skip }, async () => {
  const ulr = 'diameter.cmd.code == 316 && diameter.flags.request == 1';
  const columns = ['diameter.endtoendid', 'diameter.Session-Id', 'diameter.flags.T'];
  const busy = await capture('retry-after-3004', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'accepted');
  }, (network) => network.faults.add(['Update-Location'], { kind: 'error', error: diameterError('DIAMETER_TOO_BUSY') }, { count: 1 }));
  const afterAnswer = fields(busy, ulr, columns);
  assert.equal(afterAnswer.length, 2, 'two ULR');
  assert.notEqual(afterAnswer[0][0], afterAnswer[1][0], 'a new request has a new End-to-End id');
  assert.notEqual(afterAnswer[0][1], afterAnswer[1][1], 'and a new Session-Id');
  assert.deepEqual(afterAnswer.map((row) => row[2]), ['0', '0'], 'no T flag on a new request');
  assert.deepEqual(fields(busy, 'diameter.cmd.code == 316 && diameter.flags.request == 0', ['diameter.Result-Code']).map((r) => r[0]), ['3004', '2001']);

  const silent = await capture('retransmit-after-timeout', 'postpaid', async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'accepted');
  }, (network) => network.faults.add(['Update-Location'], { kind: 'no-answer' }, { count: 1 }));
  const afterSilence = fields(silent, ulr, columns);
  assert.equal(afterSilence.length, 2, 'two ULR');
  assert.equal(afterSilence[0][0], afterSilence[1][0], 'a retransmission keeps the End-to-End id');
  assert.equal(afterSilence[0][1], afterSilence[1][1], 'and the Session-Id');
  assert.deepEqual(afterSilence.map((row) => row[2]), ['0', '1'], 'the T flag marks the retransmission only');
});
