import { Given, Then } from '@cucumber/cucumber';
import { expectHomeLocation, expectNoHomeLocation, expectNoVisitorRecord, expectVisitorRecord } from '../src/expectations/network';
import { expectSgsMessage } from '../src/expectations/sgs';
import { expectSubscriptionIncludes } from '../src/expectations/subscription';
import type { Rat } from '../src/protocol/rat';
import type { RoamingWorld } from '../support/world';

// `HLR/HSS/HLR\/HSS` is a Cucumber-expression alternation: "the HLR", "the HSS" and "the HLR/HSS" all read.

Given('home network {plmn} has a roaming agreement with {plmn}', function (this: RoamingWorld, home: string, visited: string) {
  this.simulation.agreements.set(home, visited);
});

Given('home network {plmn} has a roaming agreement with {plmn} covering {rats}', function (this: RoamingWorld, home: string, visited: string, rats: Rat[]) {
  this.simulation.agreements.set(home, visited, rats);
});

Given('home network {plmn} has no roaming agreement with {plmn}', function (this: RoamingWorld, home: string, visited: string) {
  this.simulation.agreements.remove(home, visited);
});

Then('the HLR/HSS/HLR\\/HSS records the subscriber in visited network {plmn}', async function (this: RoamingWorld, plmn: string) {
  await expectHomeLocation(this.home.inspection, this.subscriber.imsi, plmn);
});

Then('the HLR/HSS/HLR\\/HSS has no location for the subscriber', async function (this: RoamingWorld) {
  await expectNoHomeLocation(this.home.inspection, this.subscriber.imsi);
});

Then('visited network {plmn} holds a record of the subscriber', async function (this: RoamingWorld, plmn: string) {
  await expectVisitorRecord(this.simulation.visited(plmn).inspection, this.subscriber.imsi, plmn);
});

Then('visited network {plmn} no longer holds a record of the subscriber', async function (this: RoamingWorld, plmn: string) {
  await expectNoVisitorRecord(this.simulation.visited(plmn).inspection, this.subscriber.imsi, plmn);
});

Then('the subscription data sent to visited network {plmn} includes {string}', function (this: RoamingWorld, plmn: string, phrase: string) {
  expectSubscriptionIncludes(this.signalling, this.subscriber.imsi, plmn, phrase);
});

Then('visited network {plmn} signalled {string} over SGs', function (this: RoamingWorld, plmn: string, message: string) {
  expectSgsMessage(this.signalling, this.subscriber.imsi, plmn, message);
});
