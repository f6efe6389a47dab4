import { Given, Then, When } from '@cucumber/cucumber';
import { parseErrorName } from '../src/protocol/codes';
import type { Rat } from '../src/protocol/rat';
import type { RoamingWorld } from '../support/world';

Given('a {string} subscriber from home network {plmn}', async function (this: RoamingWorld, profile: string, home: string) {
  await this.addSubscriber(profile, home);
});

Given('the subscriber is barred from roaming', async function (this: RoamingWorld) {
  await this.home.provisioning.bar(this.subscriber.imsi, true);
});

Given('the subscriber is unknown to the HLR/HSS/HLR\\/HSS', async function (this: RoamingWorld) {
  await this.home.provisioning.forget(this.subscriber.imsi);
});

Given("the subscriber's SIM holds a different key than the HLR/HSS/HLR\\/HSS", async function (this: RoamingWorld) {
  await this.home.provisioning.changeKey(this.subscriber.imsi);
});

Given("the subscriber's USIM has seen a higher sequence number than the HLR/HSS/HLR\\/HSS", function (this: RoamingWorld) {
  this.putUsimAhead();
});

Given('the subscriber is registered in visited network {plmn} over {rat}', async function (this: RoamingWorld, plmn: string, rat: Rat) {
  await this.ensureRegistered(plmn, rat);
});

When('the subscriber attaches to visited network {plmn} over {rat}', async function (this: RoamingWorld, plmn: string, rat: Rat) {
  await this.attachTo(plmn, rat);
});

When('the subscriber attaches to visited network {plmn} over LTE with combined attach', async function (this: RoamingWorld, plmn: string) {
  await this.attachTo(plmn, 'LTE', true);
});

When('the subscriber moves to visited network {plmn} over LTE with combined attach', async function (this: RoamingWorld, plmn: string) {
  await this.moveTo(plmn, 'LTE', true);
});

When('the subscriber moves to visited network {plmn} over {rat}', async function (this: RoamingWorld, plmn: string, rat: Rat) {
  await this.moveTo(plmn, rat);
});

When('the subscriber detaches', async function (this: RoamingWorld) {
  await this.detachSubscriber();
});

Then('the registration is accepted', function (this: RoamingWorld) {
  this.expectAccepted();
});

Then('the registration is rejected with {string}', function (this: RoamingWorld, name: string) {
  this.expectRejected(parseErrorName(name, 'error name in the step'), name);
});

Then('the subscriber is refused with {string}', function (this: RoamingWorld, cause: string) {
  this.expectRefusedWith(cause);
});
