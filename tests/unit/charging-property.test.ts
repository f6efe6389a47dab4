import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmbeddedOcs } from '../../mocks/ocs/ocs';
import type { Money } from '../../src/billing/money';
import { PacketCore } from '../../src/charging/packet-core';
import type { CreditControlAnswer, CreditControlRequest, OnlineChargingSystem } from '../../src/charging/seam';
import { SimulatedClock } from '../../src/roaming/clock';
import { EventBus, type SignallingEvent } from '../../src/roaming/events';

/** mulberry32: seeded, so a failing case replays from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IMSI = '234159900000001';
const HOME = '234-15';
const EXPONENT: Record<string, number> = { EUR: 2, JPY: 0, BHD: 3 };

function core(ocs: OnlineChargingSystem, warnings: string[] = [], events: SignallingEvent[] = []): PacketCore {
  const bus = new EventBus();
  bus.onSignalling((event) => events.push(event));
  return new PacketCore({ bus, clock: new SimulatedClock(Date.UTC(2026, 0, 1)), ocs, linkLatencyMs: 10, msisdnOf: () => '447700900001', warn: (m) => warnings.push(m) });
}

describe('prepaid data: money is exact and no session outlives its credit', () => {
  it('balance before = balance after + the sum of charges, over random usage sequences and balances', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = prng(seed);
      const currency = Object.keys(EXPONENT)[Math.floor(random() * 3)];
      const exponent = EXPONENT[currency];
      // A price per MB in micro-units (sub-minor-unit prices included), a balance in minor units.
      const priceMicro = BigInt(1 + Math.floor(random() * 200_000));
      const price: Money = { currency, minor: priceMicro, scale: 6 };
      const balanceMinor = BigInt(Math.floor(random() * 5_000));
      const sliceMb = 1 + Math.floor(random() * 150);
      const ocs = new EmbeddedOcs({ pricePerMb: () => price, sliceMb });
      ocs.setBalance(IMSI, { currency, minor: balanceMinor, scale: exponent });
      const packetCore = core(ocs);
      const networks = ['262-01', '208-01', '214-07'];
      let visited = networks[0];
      let charged = 0n;
      let usedMb = 0;
      for (let step = 0; step < 12; step++) {
        if (random() < 0.15) visited = networks[Math.floor(random() * networks.length)];
        const want = Math.floor(random() * 400);
        if (want === 0) continue;
        const use = packetCore.useData(IMSI, HOME, visited, random() < 0.5 ? 'LTE' : 'UMTS', want);
        charged += use.charge?.minor ?? 0n;
        usedMb += use.usedMb;
        assert.ok(use.usedMb <= want, `seed ${seed}: a step never moves more than it asked`);
        if (use.cut) {
          // Cut only where the credit ends: what is left cannot buy one more MB.
          const left = (ocs.balanceOf(IMSI) as Money).minor * 10n ** BigInt(6 - exponent);
          // (Up to half a minor unit of a session's rounding may be left over as well.)
          assert.ok(left < priceMicro + 10n ** BigInt(6 - exponent), `seed ${seed}: cut with ${left} micro left at ${priceMicro} per MB`);
        }
      }
      const after = (ocs.balanceOf(IMSI) as Money).minor;
      assert.ok(after >= 0n, `seed ${seed}: the balance never goes below zero (${after})`);
      assert.equal(balanceMinor, after + charged, `seed ${seed}: balance before = balance after + charges`);
      // No session outlives its credit by more than one slice: the exact price of everything moved fits the
      // balance plus one slice (and plus the half minor unit each session's rounding can give back).
      const unit = 10n ** BigInt(6 - exponent);
      const ceiling = balanceMinor * unit + priceMicro * BigInt(sliceMb) + 12n * unit;
      assert.ok(priceMicro * BigInt(usedMb) <= ceiling, `seed ${seed}: ${usedMb} MB at ${priceMicro} micro exceeds the balance by more than a slice`);
    }
  });

  it('the last grant is the remainder: EUR 1.00 at EUR 0.0020/MB moves exactly 500 MB, in 100 MB slices', () => {
    const ocs = new EmbeddedOcs({ pricePerMb: () => ({ currency: 'EUR', minor: 2000n, scale: 6 }) });
    ocs.setBalance(IMSI, { currency: 'EUR', minor: 100n, scale: 2 });
    const events: SignallingEvent[] = [];
    const packetCore = core(ocs, [], events);
    const use = packetCore.useData(IMSI, HOME, '262-01', 'LTE', 730);
    assert.equal(use.usedMb, 500);
    assert.equal(use.cut?.reason, 'credit');
    assert.equal(ocs.balanceOf(IMSI)?.minor, 0n);
    const grants = events.filter((e) => e.protocol === 'Gy' && e.outcome.status === 'ok').map((e) => (e.outcome.status === 'ok' ? e.outcome.response.grantedOctets : undefined));
    assert.deepEqual(grants.filter((g) => g !== undefined), [100e6, 100e6, 100e6, 100e6, 100e6]);
    const last = events.filter((e) => e.protocol === 'Gy').at(-2);
    assert.equal(last?.outcome.status === 'error' && last.outcome.error.kind !== 'local' && last.outcome.error.code, 4012);
    assert.deepEqual(events.filter((e) => e.protocol === 'GTPv2').map((e) => e.procedure), ['Create-Session', 'Delete-Session']);
    assert.equal(events.at(-1)?.procedure, 'CCR-T');
  });
});

describe('the gateway and a misbehaving OCS', () => {
  /** An OCS answering from a script, for the answers the embedded one never gives. */
  function scripted(answers: Array<(request: CreditControlRequest) => CreditControlAnswer>): OnlineChargingSystem {
    let n = 0;
    const eur = (minor: bigint): Money => ({ currency: 'EUR', minor, scale: 2 });
    return {
      holdsAccount: () => true,
      balanceOf: () => eur(0n),
      creditControl: (request) => (answers[n++] ?? (() => ({ resultCode: 2001, debited: eur(0n), grantedOctets: 1e6 })))(request),
    };
  }

  it('a grant larger than asked: the gateway uses what it asked for and logs it', () => {
    const warnings: string[] = [];
    const ocs = scripted([() => ({ resultCode: 2001, grantedOctets: 900e6 })]);
    const use = core(ocs, warnings).useData(IMSI, HOME, '262-01', 'LTE', 150);
    assert.equal(use.usedMb, 150);
    assert.match(warnings[0], /granted 900000000 octets where 100000000 were asked/);
  });

  it('an unknown Result-Code ends the session, names the code, and never throws', () => {
    const warnings: string[] = [];
    const ocs = scripted([() => ({ resultCode: 2001, grantedOctets: 10e6 }), () => ({ resultCode: 4999 })]);
    const use = core(ocs, warnings).useData(IMSI, HOME, '262-01', 'LTE', 50);
    assert.equal(use.usedMb, 10);
    assert.equal(use.cut?.reason, 'refused');
    assert.match(use.cut?.detail ?? '', /Result-Code 4999/);
    assert.match(warnings[0], /4999/);
  });

  it('a refused CCR-I refuses the session with the OCS cause named', () => {
    const ocs = scripted([() => ({ resultCode: 5031, reason: 'no data price between 234-15 and 262-01' })]);
    const events: SignallingEvent[] = [];
    const use = core(ocs, [], events).useData(IMSI, HOME, '262-01', 'UMTS', 5);
    assert.equal(use.usedMb, 0);
    assert.match(use.cut?.detail ?? '', /5031 DIAMETER_RATING_FAILED: no data price/);
    const create = events.find((e) => e.procedure === 'Create-PDP-Context');
    assert.equal(create?.outcome.status === 'ok' && create.outcome.response.cause, 199);
  });
});

describe('prepaid calls: money is exact and no call outlives its credit', () => {
  it('balance before = balance after + charges; a call lasts at most the minutes the balance pays for', async () => {
    const { MessagingCore } = await import('../../src/charging/messaging');
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed * 7919);
      const priceMicro = BigInt(1 + Math.floor(random() * 300_000));
      const balanceMinor = BigInt(Math.floor(random() * 2_000));
      const ocs = new EmbeddedOcs({ pricePerMb: () => undefined, pricePerMinute: () => ({ currency: 'EUR', minor: priceMicro, scale: 6 }) });
      ocs.setBalance(IMSI, { currency: 'EUR', minor: balanceMinor, scale: 2 });
      const messaging = new MessagingCore({ bus: new EventBus(), clock: new SimulatedClock(0), ocs, linkLatencyMs: 5, msisdnOf: () => undefined });
      let charged = 0n;
      for (let call = 0; call < 6; call++) {
        const before = (ocs.balanceOf(IMSI) as Money).minor;
        const want = 1 + Math.floor(random() * 1200);
        const use = messaging.makeCall(IMSI, HOME, '262-01', 'GSM', want);
        charged += use.charge?.minor ?? 0n;
        // The period is whole minutes whose exact price fits the balance when the call starts.
        const paidMinutes = (before * 10_000n) / priceMicro;
        assert.ok(BigInt(Math.ceil(use.seconds / 60)) <= paidMinutes, `seed ${seed}: a ${use.seconds} s call on ${before} cents at ${priceMicro} micro per minute`);
        assert.ok(use.seconds === want || BigInt(use.seconds) === paidMinutes * 60n, `seed ${seed}: a cut call ends exactly at the paid period`);
      }
      const after = (ocs.balanceOf(IMSI) as Money).minor;
      assert.ok(after >= 0n);
      assert.equal(balanceMinor, after + charged, `seed ${seed}: balance before = balance after + charges`);
    }
  });
});
