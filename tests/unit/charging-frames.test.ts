import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MockNetwork } from '../../mocks/network';
import { EmbeddedOcs } from '../../mocks/ocs/ocs';
import { loadConfig } from '../../src/config/load';
import { buildFrames } from '../../src/capture/frames';
import { MessagingCore } from '../../src/charging/messaging';
import { PacketCore } from '../../src/charging/packet-core';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus, type SignallingEvent } from '../../src/roaming/events';

const IMSI = '234159900000001';

function journey(rat: 'LTE' | 'UMTS'): SignallingEvent[] {
  const bus = new EventBus();
  const events: SignallingEvent[] = [];
  bus.onSignalling((event) => events.push(event));
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
  const eur = (minor: bigint, scale: number) => ({ currency: 'EUR', minor, scale });
  const ocs = new EmbeddedOcs({ pricePerMb: () => eur(2000n, 6), pricePerSms: () => eur(4000n, 6) });
  ocs.setBalance(IMSI, eur(50n, 2));
  const deps = { bus, clock, ocs, linkLatencyMs: 12, msisdnOf: () => '447700900001' };
  const core = new PacketCore({ ...deps, warn: () => undefined });
  core.useData(IMSI, '234-15', '262-01', rat, 400);
  new MessagingCore(deps).sendSms(IMSI, '234-15', '262-01', rat, 1);
  return events;
}

describe('capture frames of the data path and its charging', () => {
  it('LTE: Create/Delete Session over UDP 2123, CCR/CCA over SCTP 3868, MO-ForwardSM over M3UA, nothing skipped', () => {
    const { frames, skipped } = buildFrames(journey('LTE'));
    assert.deepEqual(skipped, []);
    const summaries = frames.map((f) => f.summary);
    for (const expected of ['Create Session Request', 'Create Session Response (cause 16)', 'CCR-I', 'CCA-I 2001', 'CCR-U', 'CCA-U 4012', 'Delete Session Request', 'CCR-T', 'TC-BEGIN mo-forwardSM', 'CCR-E']) {
      assert.ok(summaries.includes(expected), `${expected} in ${summaries.join(' | ')}`);
    }
    const gtp = frames.find((f) => f.protocol === 'GTPv2');
    // Ethernet 14 + IPv4 20: UDP ports at 34..37, GTPv2 version 2 with TEID flag at 42.
    assert.equal(gtp?.data.readUInt16BE(36), 2123);
    assert.equal(gtp?.data[42], 0x48);
  });

  it('UMTS: Create/Delete PDP Context as GTPv1-C', () => {
    const { frames, skipped } = buildFrames(journey('UMTS'));
    assert.deepEqual(skipped, []);
    const gtp = frames.filter((f) => f.protocol === 'GTPv1').map((f) => f.summary);
    assert.deepEqual(gtp, ['Create PDP Context Request', 'Create PDP Context Response (cause 128)', 'Delete PDP Context Request', 'Delete PDP Context Response (cause 128)']);
  });
});

describe('the default bearer inside the LTE attach', () => {
  it('Create Session comes after the ULA and before the S1AP InitialContextSetupRequest carrying the Attach Accept (TS 23.401 §5.3.2.1)', async () => {
    const bus = new EventBus();
    const events: SignallingEvent[] = [];
    bus.onSignalling((event) => events.push(event));
    const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
    const config = loadConfig({ announce: () => undefined });
    const network = new MockNetwork({ config, seed: 16, clock, bus, scenario: 'bearer' });
    const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock });
    const identity = network.generator('234-15').identity(3, 'postpaid');
    network.store.add(identity);
    const core = new PacketCore({ bus, clock, linkLatencyMs: 12, msisdnOf: () => identity.msisdn, warn: () => undefined });
    const detach = core.attach();
    assert.equal((await engine.attach(identity.imsi, '262-01', 'LTE')).outcome, 'accepted');
    detach();
    assert.ok(core.hasSession(identity.imsi), 'the bearer is up after the attach');
    const order = buildFrames(events).frames.map((f) => f.summary);
    const at = (pattern: RegExp) => order.findIndex((s) => pattern.test(s));
    const ula = at(/^ULA 2001/);
    const create = at(/^Create Session Response/);
    const accept = at(/Attach Accept/);
    assert.ok(ula >= 0 && create >= 0 && accept >= 0, order.join(' | '));
    assert.ok(ula < create && create < accept, `ULA, Create Session, Attach Accept in that order: ${order.join(' | ')}`);
  });
});
