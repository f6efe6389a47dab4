import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import {
  expectNoTrigger,
  expectTadig,
  expectTariffTableRefused,
  expectTotal,
  expectTrigger,
  expectUsageInvalid,
  expectUsageRefused,
  overrideTariffs,
  useService,
} from '../support/billing-hook';
import type { RoamingWorld } from '../support/world';

// The vocabulary, with an example each, is in features/billing/readme.md.

Given('the roaming agreement between {plmn} and {plmn} has these tariffs:', function (this: RoamingWorld, home: string, visited: string, table: DataTable) {
  overrideTariffs(this, home, visited, table.hashes());
});

When('the subscriber uses {int} MB of data', function (this: RoamingWorld, megabytes: number) {
  useService(this, 'data', megabytes);
});

When('the subscriber makes a {int} minute call', function (this: RoamingWorld, minutes: number) {
  useService(this, 'voice', minutes);
});

When('the subscriber makes a {int} second call', function (this: RoamingWorld, seconds: number) {
  useService(this, 'voice', seconds, 'seconds');
});

When('the subscriber sends {int} SMS', function (this: RoamingWorld, messages: number) {
  useService(this, 'sms', messages);
});

Then('a {string} billing trigger is emitted', function (this: RoamingWorld, type: string) {
  expectTrigger(this, type);
});

Then('a {string} billing trigger is emitted with charge {string}', function (this: RoamingWorld, type: string, charge: string) {
  expectTrigger(this, type, charge);
});

Then('no billing trigger is emitted', function (this: RoamingWorld) {
  expectNoTrigger(this);
});

Then('the total charge is {string}', function (this: RoamingWorld, total: string) {
  expectTotal(this, total, 'retail');
});

Then('the total wholesale charge is {string}', function (this: RoamingWorld, total: string) {
  expectTotal(this, total, 'wholesale');
});

Then('the usage is refused', function (this: RoamingWorld) {
  expectUsageRefused(this);
});

Then('the {string} billing trigger carries home TADIG {string} and visited TADIG {string}', function (this: RoamingWorld, type: string, home: string, visited: string) {
  expectTadig(this, type, home, visited);
});

Then('the tariff table below is refused with {string}:', function (this: RoamingWorld, message: string, table: DataTable) {
  expectTariffTableRefused(table.hashes(), message);
});

Then('a usage of {int} {word} of {word} is refused with {string}', function (this: RoamingWorld, quantity: number, unit: string, service: string, message: string) {
  expectUsageInvalid(this, quantity, unit, service, message);
});
