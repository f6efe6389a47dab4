import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireTransport } from '../../mocks/diameter/wire';
import { MockNetwork } from '../../mocks/network';
import { loadConfig } from '../../src/config/load';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus } from '../../src/roaming/events';

interface Seen {
  readonly direction: 'sent' | 'received';
  readonly code: number;
  readonly flags: number;
  readonly endToEnd: number;
  readonly from: string;
}

function wireNetwork() {
  const config = loadConfig();
  const clock = new SimulatedClock(1_700_000_000_000);
  const bus = new EventBus();
  const seen: Seen[] = [];
  let wire: WireTransport | undefined;
  const network = new MockNetwork({
    config,
    seed: 3,
    clock,
    bus,
    scenario: 'wire',
    transport: (n) =>
      (wire = new WireTransport(n, {
        config,
        onBytes: (peer, direction, bytes) => seen.push({ direction, code: bytes.readUIntBE(5, 3), flags: bytes[4] as number, endToEnd: bytes.readUInt32BE(16), from: peer.remoteHost ?? '?' }),
      })),
  });
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock, scenario: 'wire' });
  return { network, engine, seen, wire: wire as WireTransport };
}

test('wire mode: an LTE attach and a move send AIR, ULR and CLR over Diameter/TCP, MAP stays embedded', async () => {
  const { network, engine, seen, wire } = wireNetwork();
  try {
    const identity = { ...network.generator('234-15').identity(9), profile: 'postpaid' };
    network.store.add(identity);
    const first = await engine.attach(identity.imsi, '262-01', 'LTE');
    assert.equal(first.outcome, 'accepted', JSON.stringify(first));
    const moved = await engine.move(identity.imsi, '208-01', 'LTE');
    assert.equal(moved.outcome, 'accepted', JSON.stringify(moved));
    const requests = seen.filter((s) => s.direction === 'sent' && s.flags & 0x80).map((s) => s.code);
    for (const code of [257, 318, 316, 317]) assert.ok(requests.includes(code), `command ${code} was sent on a socket (sent: ${requests.join(', ')})`);
    const gsm = await engine.move(identity.imsi, '262-01', 'GSM');
    assert.equal(gsm.outcome, 'accepted');
    assert.equal(network.store.record(identity.imsi)?.location?.node.kind, 'VLR');
  } finally {
    await wire.close();
  }
});

test('wire mode: an HSS that does not answer AIR once: the retry is a retransmission (T flag, same End-to-End id), the first attempt is not', async () => {
  const { network, engine, seen, wire } = wireNetwork();
  try {
    network.faults.add(['Authentication-Information'], { kind: 'no-answer' }, { count: 1 });
    const identity = { ...network.generator('234-15').identity(11), profile: 'postpaid' };
    network.store.add(identity);
    const outcome = await engine.attach(identity.imsi, '262-01', 'LTE');
    assert.equal(outcome.outcome, 'accepted', JSON.stringify(outcome));
    const airs = seen.filter((s) => s.direction === 'sent' && s.code === 318 && s.flags & 0x80);
    assert.equal(airs.length, 2);
    assert.equal(airs[0]?.flags & 0x10, 0, 'first attempt: no T flag');
    assert.equal(airs[1]?.flags & 0x10, 0x10, 'retransmission: T flag');
    assert.equal(airs[0]?.endToEnd, airs[1]?.endToEnd, 'same End-to-End id');
    const ulrs = seen.filter((s) => s.direction === 'sent' && s.code === 316 && s.flags & 0x80);
    assert.ok(ulrs.every((s) => (s.flags & 0x10) === 0), 'requests that were answered are never marked T');
  } finally {
    await wire.close();
  }
});
