import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors';
import { BillingEmulator, type BillingTrigger, type TriggerType, reconcileTriggers } from '../../src/billing/emulator';
import { parseTariffsConfig } from '../../src/billing/tariffs';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';

function trigger(type: TriggerType, charge: string): BillingTrigger {
  return {
    type,
    timestamp: '2025-06-01T09:00:00.000Z',
    subscriberId: '262010000000000',
    homePlmn: '262-01',
    visitedPlmn: '228-01',
    homeTadig: 'DEUD1',
    visitedTadig: 'CHEC1',
    charge,
    wholesale: charge,
    currency: charge.slice(0, 3),
    agreement: 'DEUD1-CHEC1',
  };
}

const verdicts = (rows: ReturnType<typeof reconcileTriggers>) => rows.map((r) => [r.verdict, r.type, r.expectedCharge, r.emittedCharge, r.expectedRow, r.emittedIndex]);

describe('reconcileTriggers', () => {
  it('sorts into match, diverge, only-expected and only-emitted', () => {
    const emitted = [trigger('registration', 'EUR 0.00'), trigger('sms', 'EUR 0.04'), trigger('data', 'EUR 0.13'), trigger('deregistration', 'EUR 0.00')];
    const rows = reconcileTriggers(
      [
        { type: 'registration' },
        { type: 'sms', charge: 'EUR 0.04' },
        { type: 'data', charge: 'EUR 0.12' },
        { type: 'voice', charge: 'EUR 0.10' },
      ],
      emitted,
    );
    assert.deepEqual(verdicts(rows), [
      ['match', 'registration', undefined, 'EUR 0.00', 1, 0],
      ['match', 'sms', 'EUR 0.04', 'EUR 0.04', 2, 1],
      ['diverge', 'data', 'EUR 0.12', 'EUR 0.13', 3, 2],
      ['only-expected', 'voice', 'EUR 0.10', undefined, 4, undefined],
      ['only-emitted', 'deregistration', undefined, 'EUR 0.00', undefined, 3],
    ]);
  });

  it('compares charges as amounts, not text, and a currency change diverges', () => {
    const rows = reconcileTriggers(
      [
        { type: 'sms', charge: 'EUR 0.1' },
        { type: 'sms', charge: 'USD 0.20' },
      ],
      [trigger('sms', 'EUR 0.10'), trigger('sms', 'EUR 0.20')],
    );
    assert.deepEqual(rows.map((r) => r.verdict), ['match', 'diverge']);
  });

  it('prefers an exact pairing over the first of the type', () => {
    const rows = reconcileTriggers(
      [
        { type: 'sms', charge: 'EUR 0.02' },
        { type: 'sms', charge: 'EUR 0.01' },
      ],
      [trigger('sms', 'EUR 0.01'), trigger('sms', 'EUR 0.02')],
    );
    assert.deepEqual(verdicts(rows), [
      ['match', 'sms', 'EUR 0.02', 'EUR 0.02', 1, 1],
      ['match', 'sms', 'EUR 0.01', 'EUR 0.01', 2, 0],
    ]);
  });

  it('reports everything on one side when the other is empty', () => {
    assert.deepEqual(reconcileTriggers([], [trigger('sms', 'EUR 0.01')]).map((r) => r.verdict), ['only-emitted']);
    assert.deepEqual(reconcileTriggers([{ type: 'sms' }, { type: 'Registration', charge: '' }], []).map((r) => [r.verdict, r.type]), [
      ['only-expected', 'sms'],
      ['only-expected', 'registration'],
    ]);
  });

  it('names the row and value of a bad expectation', () => {
    assert.throws(
      () => reconcileTriggers([{ type: 'sms' }, { type: 'mms' }], []),
      (error: unknown) => error instanceof InputError && error.source === 'expected trigger row 2 type' && error.value === 'mms',
    );
    assert.throws(
      () => reconcileTriggers([{ type: 'sms', charge: 'EUR 0,04' }], []),
      (error: unknown) => error instanceof InputError && error.source === 'expected trigger row 1 charge' && error.value === 'EUR 0,04',
    );
  });

  it('runs against the emulator triggers by default', () => {
    const emulator = new BillingEmulator({
      tariffsFor: () => ({ agreementId: 'DEUD1-CHEC1', tariffs: parseTariffsConfig({ sms: 'EUR 0.02' }, 't') }),
      tadigOf: (plmn) => (plmn === '262-01' ? 'DEUD1' : 'CHEC1'),
      pseudonymizer: new Pseudonymizer('k'),
      runId: 'r',
    });
    const base = { at: 0, subscriber: { imsi: '262011234567890' }, homePlmn: '262-01' } as const;
    emulator.handle({ ...base, type: 'registration', outcome: 'accepted', visitedPlmn: '228-01' });
    emulator.handle({ ...base, type: 'usage', detail: { service: 'sms', quantity: 2 } });
    assert.deepEqual(
      emulator.reconcile([{ type: 'registration' }, { type: 'sms', charge: 'EUR 0.04' }, { type: 'deregistration' }]).map((r) => r.verdict),
      ['match', 'match', 'only-expected'],
    );
    assert.deepEqual(emulator.reconcile([{ type: 'sms', charge: 'EUR 0.02' }], emulator.triggers.slice(1)).map((r) => r.verdict), ['diverge']);
  });
});
