import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SUBSCRIPTION, subscriptionFor } from '../../src/elements/subscription';
import { avpGrouped, avpUnsigned32 } from '../../src/protocol/diameter';
import { decodeAvps } from '../../src/protocol/diameter-decode';
import { SUBSCRIPTION_AVP, readSubscriptionDataAvp, subscriptionDataAvp } from '../../src/protocol/s6a-subscription';

const MAP_ONLY = { category: 0, teleservices: [], bearerServices: [], supplementaryServices: [] };

test('Subscription-Data read back from its AVPs is the record it was built from, less the CS data S6a does not carry', () => {
  const data = subscriptionFor(
    {
      ...DEFAULT_SUBSCRIPTION,
      apns: [
        { name: 'internet', pdnType: 'IPv4v6', qci: 9, arpPriority: 8, ambr: { ulBps: 1_000, dlBps: 2_000 } },
        { name: 'ims', pdnType: 'IPv6', qci: 5, arpPriority: 1, ambr: { ulBps: 3_000, dlBps: 4_000 } },
      ],
      networkAccessMode: 'only packet',
      accessRestrictions: ['GERAN', 'NB-IoT'],
      odb: ['all packet oriented services', 'all outgoing international calls'],
    },
    '447700900123',
  );
  const [group] = decodeAvps(subscriptionDataAvp(data));
  assert.ok(group);
  assert.deepEqual(readSubscriptionDataAvp(group), { ...data, ...MAP_ONLY, odb: ['all outgoing international calls', 'all packet oriented services'] });
});

test('a Subscription-Data without its mandatory parts reads as nothing rather than a guess', () => {
  const [group] = decodeAvps(avpGrouped(SUBSCRIPTION_AVP.subscriptionData, [avpUnsigned32(SUBSCRIPTION_AVP.subscriberStatus, 0, { vendor: true, mandatory: true })], { vendor: true, mandatory: true }));
  assert.ok(group);
  assert.equal(readSubscriptionDataAvp(group), undefined);
});
