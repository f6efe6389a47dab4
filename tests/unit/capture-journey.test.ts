import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, type NodeRef, type Outcome, type Procedure, type SignallingEvent, type SignallingProtocol } from '../../src/roaming/events';
import { diameterError, localError, mapError, type ProtocolError } from '../../src/protocol/codes';
import type { Rat } from '../../src/protocol/rat';
import { encodeTbcd } from '../../src/protocol/tbcd';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';
import { CaptureRecorder, CaptureRun, slug } from '../../src/capture/hook';
import { buildFrames } from '../../src/capture/frames';
import { scrubEvents, mccMncLength } from '../../src/capture/scrub';
import { buildLadder, renderMermaid } from '../../src/capture/ladder';

const TSHARK = '/usr/bin/tshark';

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
const IMSI = '234150123456789';
const MSISDN = '447700900123';
const HOME = '234-15';

const UE: NodeRef = { kind: 'UE', plmn: HOME };
const HLR: NodeRef = { kind: 'HLR', plmn: HOME, address: '449901510001' };
const HSS: NodeRef = { kind: 'HSS', plmn: HOME, address: 'hss.epc.mnc015.mcc234.3gppnetwork.org' };
const VLR_DE: NodeRef = { kind: 'VLR', plmn: '262-01', address: '499900120001' };
const VLR_FR: NodeRef = { kind: 'VLR', plmn: '208-10', address: '339901020001' };
const MME_DE: NodeRef = { kind: 'MME', plmn: '262-01', address: 'mme.epc.mnc001.mcc262.3gppnetwork.org' };
const MME_FR: NodeRef = { kind: 'MME', plmn: '208-10' };

const SET1 = {
  rand: '23553cbe9637a89d218ae64dae47bf35',
  xres: 'a54211d5e3ba50bf',
  ck: 'b40ba9a3c58b2a05bbf0d987b21bf8cb',
  ik: 'f769bcd751044604127672711c6d3441',
  autn: '55f328b43577b9b94a9ffac354dfafb3',
};
const TRIPLET = { rand: SET1.rand, sres: '46f8416a', kc: 'eae4be823af9a08b' };
const EUTRAN = { rand: SET1.rand, xres: SET1.xres, autn: '55f328b43577800059bcea576837152b', kasme: '48579af8781c742d5120e6ed8ccac13193f38c53ab7aa69396f49ca6e1b0562d' };

interface Spec {
  protocol: SignallingProtocol;
  procedure: Procedure;
  from: NodeRef;
  to: NodeRef;
  rat: Rat;
  request: Record<string, unknown>;
  outcome: Outcome;
  visited?: string;
  attempt?: number;
  parentId?: number;
  latency?: number;
}

const ok = (response: Record<string, unknown> = {}): Outcome => ({ status: 'ok', response });
const fail = (error: ProtocolError): Outcome => ({ status: 'error', error });

/** Emits events the way the signalling link does: id and start tick first, nested exchanges, then the event. */
class Journey {
  readonly events: SignallingEvent[] = [];
  private id = 0;
  private tick = 0;
  now = 1_700_000_000_000;

  exchange(spec: Spec, inner?: (id: number) => void): SignallingEvent {
    const id = ++this.id;
    const startTick = ++this.tick;
    const startedAt = this.now;
    this.now += 3;
    inner?.(id);
    this.now += spec.latency ?? 4;
    const event: SignallingEvent = {
      id,
      ...(spec.parentId !== undefined ? { parentId: spec.parentId } : {}),
      protocol: spec.protocol,
      procedure: spec.procedure,
      from: spec.from,
      to: spec.to,
      rat: spec.rat,
      subscriber: { imsi: IMSI, msisdn: MSISDN },
      homePlmn: HOME,
      visitedPlmn: spec.visited ?? spec.from.plmn,
      request: spec.request,
      outcome: spec.outcome,
      attempt: spec.attempt ?? 1,
      startedAt,
      endedAt: this.now,
      startTick,
      endTick: ++this.tick,
      latencyMs: this.now - startedAt,
    };
    this.events.push(event);
    return event;
  }
}

const ul = (vlr: NodeRef) => ({ imsi: IMSI, mscNumber: vlr.address as string, vlrNumber: vlr.address as string });
const ulr = (plmn: string) => ({ userName: IMSI, visitedPlmnId: plmn, ratType: 'EUTRAN', ulrFlags: 0x22 });

/** Every procedure, outcome and error form the harness produces, on GSM, UMTS and LTE. */
function fullJourney(): Journey {
  const j = new Journey();
  const map = (procedure: Procedure, from: NodeRef, to: NodeRef, request: Record<string, unknown>, outcome: Outcome, extra: Partial<Spec> = {}, inner?: (id: number) => void) =>
    j.exchange({ protocol: 'MAP', procedure, from, to, rat: 'UMTS', request, outcome, ...extra }, inner);
  const s6a = (procedure: Procedure, from: NodeRef, to: NodeRef, request: Record<string, unknown>, outcome: Outcome, extra: Partial<Spec> = {}, inner?: (id: number) => void) =>
    j.exchange({ protocol: 'S6a', procedure, from, to, rat: 'LTE', request, outcome, ...extra }, inner);
  const isd = (vlr: NodeRef, outcome: Outcome = ok()) => (parentId: number) => {
    map('InsertSubscriberData', HLR, vlr, { imsi: IMSI, msisdn: MSISDN, profile: 'postpaid' }, outcome, { parentId });
  };

  // GSM registration in Germany: Attach, SAI (triplets), Authentication, UL with ISD inside the dialogue.
  j.exchange({ protocol: 'NAS', procedure: 'Attach', from: UE, to: VLR_DE, rat: 'GSM', request: { imsi: IMSI, homePlmn: HOME, rat: 'GSM' }, outcome: ok({ rand: SET1.rand }) });
  map('SendAuthenticationInfo', VLR_DE, HLR, { imsi: IMSI, numberOfRequestedVectors: 2, rat: 'GSM' }, ok({ triplets: [TRIPLET, TRIPLET] }), { rat: 'GSM' });
  j.exchange({ protocol: 'NAS', procedure: 'Authentication', from: UE, to: VLR_DE, rat: 'GSM', request: { imsi: IMSI, res: TRIPLET.sres }, outcome: ok({ authenticated: true }) });
  map('UpdateLocation', VLR_DE, HLR, ul(VLR_DE), ok({ hlrNumber: HLR.address }), { rat: 'GSM' }, isd(VLR_DE));

  // UMTS move to France: five quintuplets (LUDT), UL that cancels the German VLR, then the old VLR purges.
  map('SendAuthenticationInfo', VLR_FR, HLR, { imsi: IMSI, numberOfRequestedVectors: 5 }, ok({ quintuplets: [SET1, SET1, SET1, SET1, SET1] }));
  map('UpdateLocation', VLR_FR, HLR, ul(VLR_FR), ok({ hlrNumber: HLR.address }), {}, (id) => {
    map('CancelLocation', HLR, VLR_DE, { imsi: IMSI, cancellationType: 'updateProcedure', nextRat: 'UMTS' }, ok(), { visited: '262-01' });
    isd(VLR_FR)(id);
  });
  map('PurgeMS', VLR_DE, HLR, { imsi: IMSI, vlrNumber: VLR_DE.address }, ok({ freezeTmsi: true }));

  // LTE in Germany: AIR/AIA, ULR/ULA (cancelling the French VLR over MAP), IDR.
  s6a('Authentication-Information', MME_DE, HSS, { userName: IMSI, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 }, ok({ eutranVectors: [EUTRAN] }));
  s6a('Update-Location', MME_DE, HSS, ulr('262-01'), ok({ ulaFlags: 1, msisdn: MSISDN }), {}, () => {
    map('CancelLocation', HLR, VLR_FR, { imsi: IMSI, cancellationType: 'subscriptionWithdraw' }, ok(), { visited: '208-10' });
  });
  s6a('Insert-Subscriber-Data', HSS, MME_DE, { userName: IMSI, msisdn: MSISDN }, ok());
  // LTE move to France: CLR to the German MME, PUR from it.
  s6a('Update-Location', MME_FR, HSS, ulr('208-10'), ok({ ulaFlags: 1, msisdn: MSISDN }), {}, () => {
    s6a('Cancel-Location', HSS, MME_DE, { userName: IMSI, cancellationType: 'MME_UPDATE_PROCEDURE' }, ok(), { visited: '262-01' });
  });
  s6a('Purge-UE', MME_DE, HSS, { userName: IMSI, purFlags: 1 }, ok({ puaFlags: 1 }));

  // MAP refusals.
  map('UpdateLocation', VLR_DE, HLR, ul(VLR_DE), fail(mapError('unknownSubscriber')));
  map('UpdateLocation', VLR_DE, HLR, ul(VLR_DE), fail(mapError('roamingNotAllowed', 'plmnRoamingNotAllowed')));
  map('UpdateLocation', VLR_DE, HLR, ul(VLR_DE), fail(mapError('roamingNotAllowed', 'operatorDeterminedBarring')));
  map('UpdateLocation', VLR_DE, HLR, ul(VLR_DE), fail(mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed')), { rat: 'GSM' });
  map('SendAuthenticationInfo', VLR_DE, HLR, { imsi: IMSI, numberOfRequestedVectors: 1 }, fail(mapError('systemFailure')));
  map('SendAuthenticationInfo', VLR_DE, HLR, { imsi: IMSI, numberOfRequestedVectors: 1 }, ok({ quintuplets: [SET1] }), { attempt: 2 });
  // ISD refused inside the dialogue, UL then fails.
  map('UpdateLocation', VLR_DE, HLR, ul(VLR_DE), fail(mapError('systemFailure')), {}, isd(VLR_DE, fail(mapError('unexpectedDataValue'))));
  // A timeout: the request alone, then the retry succeeds.
  map('UpdateLocation', VLR_DE, HLR, ul(VLR_DE), fail(localError('timeout', 'no answer within 2000 ms')), { latency: 2000 });
  map('UpdateLocation', VLR_DE, HLR, ul(VLR_DE), ok({ hlrNumber: HLR.address }), { attempt: 2 }, isd(VLR_DE));

  // S6a refusals; a 3002, then a new request (an answer came: new ids, no T flag) that times out, then its
  // retransmission (no answer came: same ids, T flag).
  s6a('Authentication-Information', MME_DE, HSS, { userName: IMSI, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 }, fail(diameterError('DIAMETER_ERROR_USER_UNKNOWN')));
  s6a('Update-Location', MME_DE, HSS, ulr('262-01'), fail(diameterError('DIAMETER_ERROR_ROAMING_NOT_ALLOWED')));
  s6a('Update-Location', MME_DE, HSS, ulr('262-01'), fail(diameterError('DIAMETER_ERROR_RAT_NOT_ALLOWED')));
  s6a('Authentication-Information', MME_DE, HSS, { userName: IMSI, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 }, fail(diameterError('DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE')));
  s6a('Update-Location', MME_DE, HSS, ulr('262-01'), fail(diameterError('DIAMETER_UNABLE_TO_DELIVER')));
  s6a('Update-Location', MME_DE, HSS, ulr('262-01'), fail(localError('timeout')), { attempt: 2, latency: 2000 });
  s6a('Update-Location', MME_DE, HSS, ulr('262-01'), ok({ ulaFlags: 1, msisdn: MSISDN }), { attempt: 3 });
  j.exchange({ protocol: 'NAS', procedure: 'Detach', from: UE, to: MME_DE, rat: 'LTE', request: { imsi: IMSI }, outcome: ok() });
  return j;
}

function runTshark(args: string[]): string {
  return execFileSync(TSHARK, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
}

const FIELDS = [
  'frame.number',
  'gsm_map.old.Component',
  'gsm_old.localValue',
  'tcap.otid',
  'tcap.dtid',
  'gsm_map.er.roamingNotAllowedCause',
  'gsm_map.er.additionalRoamingNotAllowedCause',
  'gsm_map.er.unknownSubscriberDiagnostic',
  'gsm_map.er.networkResource',
  'gsm_map.ms.cancellationType',
  'diameter.cmd.code',
  'diameter.flags.request',
  'diameter.flags.T',
  'diameter.flags.error',
  'diameter.Result-Code',
  'diameter.Experimental-Result-Code',
  'diameter.Vendor-Id',
  'diameter.Visited-PLMN-Id',
  'diameter.Cancellation-Type',
  'e212.imsi',
  'diameter.RAND',
  'gsm_map.ms.rand',
  'frame.protocols',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

function decode(file: string): Row[] {
  const out = runTshark(['-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])]);
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(FIELDS.map((f, i) => [f, cells[i] ?? ''])) as Row;
    });
}

function expertFrames(file: string): string {
  return runTshark(['-r', file, '-Y', '_ws.expert || _ws.malformed', '-T', 'fields', '-e', 'frame.number']).trim();
}

const list = (cell: string): string[] => (cell === '' ? [] : cell.split(','));

test('a full synthetic journey decodes in tshark as MAP and S6a with no expert or malformed frame', (t) => {
  if (!existsSync(TSHARK)) {
    t.skip('tshark is not installed at /usr/bin/tshark');
    return;
  }
  const journey = fullJourney();
  const dir = tempDir('roamsim-capture-');
  const warnings: string[] = [];
  const recorder = new CaptureRecorder({ dir, scrub: false, pseudonymizer: new Pseudonymizer('k'), warn: (m) => warnings.push(m) });
  const bus = new EventBus();
  recorder.start(bus, 'Roaming: GSM, UMTS & LTE', 'Every procedure and refusal');
  for (const event of journey.events) bus.emitSignalling(event);
  const result = recorder.finish();
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.skipped, []);
  assert.equal(result.path, join(dir, 'roaming-gsm-umts-lte', 'every-procedure-and-refusal.pcap'));
  const file = result.path as string;
  assert.deepEqual(readFileSync(file), result.pcap);

  assert.equal(expertFrames(file), '');
  const rows = decode(file);
  const core = journey.events.filter((e) => e.protocol !== 'NAS');
  const timeouts = core.filter((e) => e.outcome.status === 'error' && e.outcome.error.kind === 'local').length;
  const nas = journey.events.filter((e) => e.protocol === 'NAS');
  // NAS: GSM Attach and Authentication (request and answer each), LTE Detach Request and Detach Accept.
  assert.equal(rows.length, core.length * 2 - timeouts + nas.length * 2);

  const mapRows = rows.filter((r) => r['frame.protocols'].endsWith(':m3ua:sccp:tcap:gsm_map'));
  const diaRows = rows.filter((r) => r['frame.protocols'].endsWith(':sctp:diameter'));
  const nasRows = rows.filter((r) => /:m3ua:sccp:bssap(?::|$)|:sctp:s1ap:nas-eps$/.test(r['frame.protocols']));
  assert.equal(nasRows.length, nas.length * 2, 'the UE side: DTAP in BSSAP over SCCP/M3UA, NAS-EPS in S1AP');
  assert.equal(mapRows.length + diaRows.length + nasRows.length, rows.length, 'every frame is MAP over M3UA, Diameter over SCTP or the access network carrying NAS');

  const invokes = new Set(mapRows.filter((r) => r['gsm_map.old.Component'] === '1').map((r) => r['gsm_old.localValue']));
  for (const op of ['2', '7', '56', '3', '67']) assert.ok(invokes.has(op), `invoke opcode ${op}`);
  const results = new Set(mapRows.filter((r) => r['gsm_map.old.Component'] === '2').map((r) => r['gsm_old.localValue']));
  for (const op of ['2', '56', '67']) assert.ok(results.has(op), `result opcode ${op}`);
  const errors = mapRows.filter((r) => r['gsm_map.old.Component'] === '3');
  assert.deepEqual(errors.map((r) => r['gsm_old.localValue']).sort(), ['1', '34', '34', '36', '8', '8', '8']);
  assert.deepEqual(errors.filter((r) => r['gsm_old.localValue'] === '8').map((r) => r['gsm_map.er.roamingNotAllowedCause']), ['0', '3', '0']);
  assert.deepEqual(errors.map((r) => r['gsm_map.er.additionalRoamingNotAllowedCause']).filter(Boolean), ['0']);
  assert.deepEqual(errors.map((r) => r['gsm_map.er.unknownSubscriberDiagnostic']).filter(Boolean), ['0']);
  assert.deepEqual(errors.map((r) => r['gsm_map.er.networkResource']).filter(Boolean), ['1', '1']);
  assert.deepEqual(mapRows.map((r) => r['gsm_map.ms.cancellationType']).filter(Boolean), ['0', '1']);
  // ISD invokes and results run inside the UL dialogue: TC-CONTINUE with both transaction ids.
  for (const r of mapRows.filter((row) => row['gsm_old.localValue'] === '7')) assert.ok(r['tcap.otid'] && r['tcap.dtid'], `ISD frame ${r['frame.number']} is a TC-CONTINUE`);
  assert.ok(mapRows.some((r) => r['e212.imsi'] === IMSI));

  const commands = new Set(diaRows.map((r) => r['diameter.cmd.code']));
  for (const code of ['316', '317', '318', '319', '321']) assert.ok(commands.has(code), `command ${code}`);
  for (const code of ['5001', '5004', '5421', '4181']) {
    const row = diaRows.find((r) => r['diameter.Experimental-Result-Code'] === code);
    assert.ok(row && list(row['diameter.Vendor-Id']).includes('10415'), `Experimental-Result-Code ${code} with Vendor-Id 10415`);
    assert.equal(row['diameter.flags.error'], '0');
  }
  const busy = diaRows.find((r) => r['diameter.Result-Code'] === '3002');
  assert.ok(busy && busy['diameter.flags.error'] === '1', '3002 answer carries the E bit');
  const retransmitted = diaRows.filter((r) => r['diameter.flags.T'] === '1');
  assert.equal(retransmitted.length, 1, 'only the retry after the timeout is a retransmission');
  assert.equal(retransmitted[0]['diameter.flags.request'], '1');
  const visited = diaRows.filter((r) => r['diameter.flags.request'] === '1' && (r['diameter.cmd.code'] === '316' || r['diameter.cmd.code'] === '318')).map((r) => r['diameter.Visited-PLMN-Id']);
  assert.ok(visited.includes('62f210'), 'Visited-PLMN-Id 262-01');
  assert.ok(visited.includes('02f801'), 'Visited-PLMN-Id 208-10');
  assert.deepEqual(diaRows.map((r) => r['diameter.Cancellation-Type']).filter(Boolean), ['0']);
  assert.ok(diaRows.some((r) => r['diameter.RAND'] === SET1.rand));
  assert.ok(mapRows.some((r) => list(r['gsm_map.ms.rand']).includes(SET1.rand)));
});

test('frames: time order with tick ties, NAS carried by the access network, unencodable events listed as skipped and never thrown', () => {
  const j = fullJourney();
  const bogus = j.exchange({
    protocol: 'S6a',
    procedure: 'Authentication-Information',
    from: MME_DE,
    to: HSS,
    rat: 'LTE',
    request: { userName: IMSI, visitedPlmnId: 'not-a-plmn', numberOfRequestedVectors: 1 },
    outcome: ok({ eutranVectors: [EUTRAN] }),
  });
  const crossed = j.exchange({ protocol: 'MAP', procedure: 'PurgeMS', from: VLR_DE, to: HLR, rat: 'GSM', request: { imsi: IMSI }, outcome: fail(diameterError('DIAMETER_TOO_BUSY')) });
  const badHex = j.exchange({ protocol: 'MAP', procedure: 'SendAuthenticationInfo', from: VLR_DE, to: HLR, rat: 'GSM', request: { imsi: IMSI }, outcome: ok({ triplets: [{ rand: 'zz', sres: '00', kc: '00' }] }) });
  const malformed = { ...badHex, id: 999, outcome: undefined } as unknown as SignallingEvent;
  const { frames, skipped } = buildFrames([...j.events, malformed]);
  assert.deepEqual(
    skipped.map((s) => s.event),
    [999, bogus.id, crossed.id, badHex.id],
  );
  skipped.shift();
  assert.match(skipped[0].reason, /visitedPlmnId/);
  assert.match(skipped[1].reason, /answer not captured/);
  assert.equal(frames.filter((f) => f.eventId === crossed.id).length, 1, 'the request of an answer that cannot be encoded stays');
  assert.equal(frames.filter((f) => f.eventId === bogus.id).length, 0);
  for (let i = 1; i < frames.length; i++) {
    const a = frames[i - 1];
    const b = frames[i];
    assert.ok(a.time < b.time || (a.time === b.time && a.tick <= b.tick), `frame ${i} in order`);
  }
  const ul = j.events.find((e) => e.procedure === 'UpdateLocation') as SignallingEvent;
  const inDialogue = frames.filter((f) => f.eventId === ul.id || j.events.find((e) => e.id === f.eventId)?.parentId === ul.id).map((f) => f.summary);
  assert.deepEqual(inDialogue, ['TC-BEGIN updateLocation', 'TC-CONTINUE insertSubscriberData', 'TC-CONTINUE insertSubscriberData result', 'TC-END updateLocation result']);
  const nasSummaries = frames.filter((f) => j.events.find((e) => e.id === f.eventId)?.protocol === 'NAS').map((f) => f.summary);
  assert.deepEqual(nasSummaries, [
    'BSSAP Location Updating Request',
    'BSSAP Authentication Request',
    'BSSAP Authentication Response',
    'BSSAP Ciphering Mode Command',
    'S1AP Detach Request',
    'S1AP Detach Accept',
  ]);
});

test('scrubbing: pseudonyms keep MCC+MNC and length, vectors become zeros, originals stay untouched, no raw identity in the pcap', (t) => {
  const journey = fullJourney();
  const before = JSON.stringify(journey.events);
  const pseudonymizer = new Pseudonymizer('capture-test-key');
  const scrubbed = scrubEvents(journey.events, pseudonymizer);
  assert.equal(JSON.stringify(journey.events), before, 'the shared events are not mutated');
  assert.equal(mccMncLength('234-15'), 5);
  assert.equal(mccMncLength('310-260'), 6);

  const fakeImsi = scrubbed[0].subscriber.imsi;
  const fakeMsisdn = scrubbed[0].subscriber.msisdn as string;
  assert.notEqual(fakeImsi, IMSI);
  assert.equal(fakeImsi.length, IMSI.length);
  assert.ok(fakeImsi.startsWith('23415'));
  assert.ok(fakeMsisdn.startsWith('44') && fakeMsisdn.length === MSISDN.length && fakeMsisdn !== MSISDN);
  const sai = scrubbed.find((e) => e.procedure === 'SendAuthenticationInfo' && e.outcome.status === 'ok') as SignallingEvent;
  assert.equal(sai.request.imsi, fakeImsi);
  const responseOf = (event: SignallingEvent) => (event.outcome.status === 'ok' ? event.outcome.response : {}) as Record<string, unknown[]>;
  const triplets = responseOf(sai).triplets;
  assert.deepEqual(triplets[0], { rand: '0'.repeat(32), sres: '0'.repeat(8), kc: '0'.repeat(16) });
  const aia = scrubbed.find((e) => e.procedure === 'Authentication-Information' && e.outcome.status === 'ok') as SignallingEvent;
  assert.deepEqual(responseOf(aia).eutranVectors[0], {
    rand: '0'.repeat(32),
    xres: '0'.repeat(16),
    autn: '0'.repeat(32),
    kasme: '0'.repeat(64),
  });

  const dir = tempDir('roamsim-scrub-');
  const recorder = new CaptureRecorder({ dir, scrub: true, pseudonymizer, warn: () => undefined });
  const bus = new EventBus();
  recorder.start(bus, 'scrub', 'identities');
  for (const event of journey.events) bus.emitSignalling(event);
  const result = recorder.finish();
  const pcap = result.pcap as Buffer;
  const forbidden: Array<[string, Buffer]> = [
    ['IMSI ASCII', Buffer.from(IMSI)],
    ['IMSI TBCD', encodeTbcd(IMSI)],
    ['MSISDN ASCII', Buffer.from(MSISDN)],
    ['MSISDN TBCD', encodeTbcd(MSISDN)],
    ['RAND', Buffer.from(SET1.rand, 'hex')],
    ['XRES', Buffer.from(SET1.xres, 'hex')],
    ['CK', Buffer.from(SET1.ck, 'hex')],
    ['IK', Buffer.from(SET1.ik, 'hex')],
    ['AUTN', Buffer.from(SET1.autn, 'hex')],
    ['EPS AUTN', Buffer.from(EUTRAN.autn, 'hex')],
    ['KASME', Buffer.from(EUTRAN.kasme, 'hex')],
    ['SRES', Buffer.from(TRIPLET.sres, 'hex')],
    ['Kc', Buffer.from(TRIPLET.kc, 'hex')],
  ];
  for (const [what, bytes] of forbidden) assert.equal(pcap.indexOf(bytes), -1, `${what} left in the scrubbed pcap`);
  assert.ok(pcap.includes(Buffer.from(fakeImsi)) && pcap.includes(encodeTbcd(fakeImsi)) && pcap.includes(encodeTbcd(fakeMsisdn)));
  for (const text of [result.mermaid, result.html]) {
    assert.equal(text.includes(IMSI), false);
    assert.equal(text.includes(MSISDN), false);
    assert.ok(text.includes(fakeImsi));
  }

  if (!existsSync(TSHARK)) {
    t.skip('tshark is not installed at /usr/bin/tshark');
    return;
  }
  assert.equal(expertFrames(result.path as string), '');
  const rows = decode(result.path as string);
  assert.deepEqual([...new Set(rows.map((r) => r['e212.imsi']).filter(Boolean))], [fakeImsi]);
  assert.ok(rows.some((r) => r['diameter.RAND'] === '0'.repeat(32)));
});

test('an unwritable folder warns once per run, counts every failure and never throws', () => {
  const base = tempDir('roamsim-unwritable-');
  const blocker = join(base, 'not-a-folder');
  writeFileSync(blocker, 'a regular file where the capture folder should be');
  const warnings: string[] = [];
  let failures = 0;
  const opts = { dir: join(blocker, 'pcap'), scrub: true, pseudonymizer: new Pseudonymizer('k'), warn: (m: string) => warnings.push(m), onFailure: () => failures++, run: new CaptureRun() };
  const journey = fullJourney();
  for (const scenario of ['first scenario', 'second scenario']) {
    const recorder = new CaptureRecorder(opts);
    const bus = new EventBus();
    recorder.start(bus, 'feature', scenario);
    for (const event of journey.events) bus.emitSignalling(event);
    const result = recorder.finish();
    assert.equal(result.path, undefined);
    assert.ok(result.pcap && result.pcap.length > 24, 'the capture is still returned');
    assert.match(result.mermaid, /^sequenceDiagram/);
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /cannot create/);
  assert.equal(failures, 2);
});

test('an encoder or scrubber exception is caught: onFailure, one warning, no file, finish still returns', () => {
  const dir = tempDir('roamsim-broken-');
  const warnings: string[] = [];
  let failures = 0;
  const broken = {
    imsi: () => {
      throw new Error('key store unavailable');
    },
    msisdn: () => '0',
  } as unknown as Pseudonymizer;
  const recorder = new CaptureRecorder({
    dir,
    scrub: true,
    pseudonymizer: broken,
    warn: (m) => {
      warnings.push(m);
      throw new Error('the logger is broken too');
    },
    onFailure: () => failures++,
  });
  const bus = new EventBus();
  recorder.start(bus, 'f', 's');
  for (const event of fullJourney().events.slice(0, 4)) bus.emitSignalling(event);
  const result = recorder.finish();
  assert.equal(result.path, undefined);
  assert.equal(result.pcap, undefined);
  assert.equal(failures, 1);
  assert.deepEqual(new CaptureRecorder({ dir, scrub: false, pseudonymizer: broken, warn: () => undefined }).finish(), { mermaid: '', html: '', skipped: [] });
  assert.equal(warnings.length, 1);
  assert.equal(bus.sinkErrors, 0);
  // Recording stopped at finish: later events are not kept for the next scenario.
  bus.emitSignalling(fullJourney().events[1]);
  recorder.start(new EventBus(), 'f', 's2');
  assert.deepEqual(recorder.finish().skipped, []);
});

test('ladder: participants per element, NAS included, errors, retries and lost answers visible; HTML is self-contained', () => {
  const ladder = buildLadder(fullJourney().events);
  const mermaid = renderMermaid(ladder);
  const labels = ladder.participants.map((p) => p.label);
  for (const label of ['UE', 'VLR 262-01', 'HLR 234-15', 'VLR 208-10', 'MME 262-01', 'HSS 234-15', 'MME 208-10']) assert.ok(labels.includes(label), label);
  assert.match(mermaid, /^sequenceDiagram\n/);
  assert.match(mermaid, /participant p\d+ as VLR 262-01/);
  // NAS as 3GPP writes it: MM on GSM (Location Updating, Ciphering Mode), the challenge as the answer to the request.
  assert.match(mermaid, /->>p\d+: Location Updating Request\n.*-->>p\d+: Authentication Request/);
  assert.match(mermaid, /: Ciphering Mode Command/);
  assert.match(mermaid, /--xp\d+: UpdateLocation failed: roamingNotAllowed \(8\) supportedRAT-TypesNotAllowed/);
  assert.match(mermaid, /Update-Location \[attempt 2\]/);
  assert.match(mermaid, /Note over p\d+,p\d+: no answer to UpdateLocation: timeout/);
  assert.match(mermaid, /Update-Location-Answer 2001 \(\d+ ms\)/);
  assert.doesNotMatch(mermaid, /;/);
  const dir = tempDir('roamsim-ladder-');
  const recorder = new CaptureRecorder({ dir, scrub: true, pseudonymizer: new Pseudonymizer('k'), warn: () => undefined });
  const bus = new EventBus();
  recorder.start(bus, 'Ladder <feature>', 'A & B');
  for (const event of fullJourney().events) bus.emitSignalling(event);
  const { html } = recorder.finish();
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(html, /Ladder &lt;feature&gt; — A &amp; B/);
  assert.doesNotMatch(html, /<script|<link|src=|href=|@import/);
  assert.ok((html.match(/<line /g) ?? []).length > 40);
});

test('slugs, and one file per scenario over a 40-scenario run', () => {
  assert.equal(slug('Roaming: GSM → LTE (Ünïcode)!'), 'roaming-gsm-lte-unicode');
  assert.equal(slug('***'), 'unnamed');
  const dir = tempDir('roamsim-many-');
  const journey = fullJourney();
  const scenario = journey.events.slice(0, 12);
  const pseudonymizer = new Pseudonymizer('k');
  const paths = new Set<string>();
  // The capture cost of a run is measured by `npm run bench`, never asserted here (shared, noisy machines).
  for (let i = 0; i < 40; i++) {
    const recorder = new CaptureRecorder({ dir, scrub: true, pseudonymizer, warn: () => undefined });
    const bus = new EventBus();
    recorder.start(bus, 'many', `scenario ${i}`);
    for (const event of scenario) bus.emitSignalling(event);
    const result = recorder.finish();
    assert.ok(result.path && result.pcap && result.pcap.length > 24, `scenario ${i} wrote a capture`);
    paths.add(result.path);
  }
  assert.equal(paths.size, 40);
});
