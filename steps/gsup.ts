import { Given, Then, When } from '@cucumber/cucumber';
import { type ServingNode } from '../src/gsup/journey';
import { gsupJourney } from '../support/wire-hook';
import type { RoamingWorld } from '../support/world';

// The HLR under test, spoken to over GSUP as a VLR (CS) or SGSN (PS) of a visited network: the journeys of
// Osmocom's HLR test suite. `{word}` takes VLR or SGSN; anything else is refused by `servingNode`.

function servingNode(text: string): ServingNode {
  if (text === 'VLR' || text === 'SGSN') return text;
  throw new Error(`"${text}" in the step is not a serving node: expected VLR (circuit-switched) or SGSN (packet-switched)`);
}

When('the VLR of visited network {plmn} asks the HLR for {int} authentication vectors', async function (this: RoamingWorld, plmn: string, count: number) {
  await gsupJourney(this).askVectors(this.subscriber, plmn, count);
});

When('the VLR of visited network {plmn} asks the HLR for authentication vectors for E-UTRAN', async function (this: RoamingWorld, plmn: string) {
  await gsupJourney(this).askVectors(this.subscriber, plmn, 1, true);
});

When("the subscriber's SIM reports a sequence number failure to the VLR of visited network {plmn}", async function (this: RoamingWorld, plmn: string) {
  await gsupJourney(this).resynchronise(this.subscriber, plmn);
});

Given('the {word} of visited network {plmn} has registered the subscriber', async function (this: RoamingWorld, node: string, plmn: string) {
  const journey = gsupJourney(this);
  await journey.updateLocation(this.subscriber, plmn, servingNode(node));
  if (!journey.accepted) throw new Error(`the ${node} of ${plmn} could not register the subscriber: ${journey.describeLast()}`);
});

When("the {word} of visited network {plmn} updates the subscriber's location", async function (this: RoamingWorld, node: string, plmn: string) {
  await gsupJourney(this).updateLocation(this.subscriber, plmn, servingNode(node));
});

When('the {word} of visited network {plmn} purges the subscriber', async function (this: RoamingWorld, node: string, plmn: string) {
  await gsupJourney(this).purge(this.subscriber, plmn, servingNode(node));
});

Then('the HLR returns {int} authentication vectors', function (this: RoamingWorld, count: number) {
  const journey = gsupJourney(this);
  if (journey.vectors.length !== count) throw new Error(`expected ${count} vectors, the HLR answered: ${journey.describeLast()}`);
});

Then("every vector authenticates with the subscriber's SIM", function (this: RoamingWorld) {
  const journey = gsupJourney(this);
  if (journey.vectors.length === 0) throw new Error(`expected vectors, the HLR answered: ${journey.describeLast()}`);
  journey.checkWithSim(this.subscriber);
});

Then('every vector has the AMF separation bit {word}', function (this: RoamingWorld, state: string) {
  if (state !== 'set' && state !== 'clear') throw new Error(`"${state}" in the step: expected "set" or "clear"`);
  const amfs = gsupJourney(this).checkWithSim(this.subscriber).map((vector) => vector.amf);
  const wrong = amfs.filter((amf) => ((amf & 0x8000) !== 0) !== (state === 'set'));
  if (amfs.length === 0 || wrong.length > 0) throw new Error(`expected the separation bit ${state} in every AMF, got ${amfs.map((amf) => amf.toString(16).padStart(4, '0')).join(', ') || 'no vectors'}`);
});

Then("the HLR's next vector is fresh for the SIM", function (this: RoamingWorld) {
  const journey = gsupJourney(this);
  const sqnMs = journey.resyncSqnMs ?? 0;
  const vectors = journey.checkWithSim(this.subscriber);
  if (vectors.length === 0 || vectors.some((vector) => vector.sqn <= sqnMs)) {
    throw new Error(`expected vectors with SQN above the SIM's ${sqnMs}, got ${vectors.map((vector) => vector.sqn).join(', ') || journey.describeLast()}`);
  }
});

Then('the HLR accepts', function (this: RoamingWorld) {
  const journey = gsupJourney(this);
  if (!journey.accepted) throw new Error(`expected a result, the HLR answered: ${journey.describeLast()}`);
});

Then('the HLR refuses with {string} \\(GMM cause {int})', function (this: RoamingWorld, name: string, cause: number) {
  const refusal = gsupJourney(this).refusal;
  if (refusal?.name !== name || refusal.cause !== cause) throw new Error(`expected the HLR to refuse with ${name} (GMM cause ${cause}), it answered: ${gsupJourney(this).describeLast()}`);
});

Then('the {word} of visited network {plmn} receives a Location Cancel for the subscriber', async function (this: RoamingWorld, node: string, plmn: string) {
  const cancels = await gsupJourney(this).cancelsReceived(this.subscriber, plmn, servingNode(node));
  if (cancels === 0) throw new Error(`expected the home HLR to send the ${node} of ${plmn} a Location Cancel when another VLR registered the subscriber, but it received none`);
});
