import { Given, Then } from '@cucumber/cucumber';
import type { Rat } from '../src/protocol/rat';
import { externalLocation } from '../src/gsup/wire-suite';
import type { RoamingWorld } from '../support/world';

// `HLR/HSS/HLR\/HSS` is a Cucumber-expression alternation: "the HLR", "the HSS" and "the HLR/HSS" all read.

Given('home network {plmn} has a roaming agreement with {plmn}', function (this: RoamingWorld, home: string, visited: string) {
  this.network.agreements.set(home, visited);
});

Given('home network {plmn} has a roaming agreement with {plmn} covering {rats}', function (this: RoamingWorld, home: string, visited: string, rats: Rat[]) {
  this.network.agreements.set(home, visited, rats);
});

Given('home network {plmn} has no roaming agreement with {plmn}', function (this: RoamingWorld, home: string, visited: string) {
  this.network.agreements.remove(home, visited);
});

Then('the HLR/HSS/HLR\\/HSS records the subscriber in visited network {plmn}', async function (this: RoamingWorld, plmn: string) {
  // A home network served by a real HLR (wire mode, config networks[].hlr) is asked over its CTRL interface.
  const external = await externalLocation(this.network, this.subscriber);
  if (external !== 'embedded') {
    const serving = external.known ? external.serving : undefined;
    if (serving?.plmn !== plmn) {
      throw new Error(`expected the home network's HLR to record the subscriber in ${plmn}, but it records ${serving ? `${serving.kind} ${serving.address}` : external.known && external.purged ? 'a purged location' : 'no location'}`);
    }
    return;
  }
  const location = this.hlrRecord()?.location;
  if (location?.node.plmn !== plmn) {
    throw new Error(`expected the home network to record the subscriber in ${plmn}, but it records ${location ? `${location.node.kind} ${location.node.plmn}` : 'no location'}`);
  }
});

Then('the HLR/HSS/HLR\\/HSS has no location for the subscriber', async function (this: RoamingWorld) {
  const external = await externalLocation(this.network, this.subscriber);
  if (external !== 'embedded') {
    const serving = external.known ? external.serving : undefined;
    if (serving) throw new Error(`expected no location, but the home network's HLR records ${serving.kind} ${serving.address}`);
    return;
  }
  const location = this.hlrRecord()?.location;
  if (location) throw new Error(`expected no location, but the home network records ${location.node.kind} ${location.node.plmn} over ${location.rat}`);
});

Then('visited network {plmn} holds a record of the subscriber', function (this: RoamingWorld, plmn: string) {
  if (!this.network.vlrMme(plmn).record(this.subscriber.imsi)) throw new Error(`expected the VLR/MME of ${plmn} to hold a visitor record, but it holds none`);
});

Then('visited network {plmn} no longer holds a record of the subscriber', function (this: RoamingWorld, plmn: string) {
  const record = this.network.vlrMme(plmn).record(this.subscriber.imsi);
  if (record) throw new Error(`expected the VLR/MME of ${plmn} to have dropped the subscriber, but its ${record.node.kind} still holds a record (${record.rat})`);
});
