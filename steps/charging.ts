import { Given, Then } from '@cucumber/cucumber';
import { expectBalance, expectBalanceRefused, expectCallCut, expectDataCutForCredit, expectSmsRefusedForCredit, expectOcsRequests, expectRecord, setPrepaidBalance } from '../support/billing-hook';
import type { RoamingWorld } from '../support/world';

// Charging by the network elements: prepaid credit in the home OCS, CDRs of the gateways (features/charging/readme.md).

Given('the subscriber has a prepaid balance of {string}', function (this: RoamingWorld, balance: string) {
  setPrepaidBalance(this, balance);
});

Then('the prepaid balance is {string}', function (this: RoamingWorld, balance: string) {
  expectBalance(this, balance);
});

Then('the data session is ended for exhausted credit after {int} MB', function (this: RoamingWorld, megabytes: number) {
  expectDataCutForCredit(this, megabytes);
});

Then('a {string} charging record is written', function (this: RoamingWorld, record: string) {
  expectRecord(this, record);
});

Then('the online charging system received {int} {string} request(s)', function (this: RoamingWorld, count: number, request: string) {
  expectOcsRequests(this, count, request);
});

Then('the prepaid balance {string} is refused with {string}', function (this: RoamingWorld, balance: string, message: string) {
  expectBalanceRefused(this, balance, message);
});

Then('the SMS is refused for exhausted credit', function (this: RoamingWorld) {
  expectSmsRefusedForCredit(this);
});

Then('the call is cut off for exhausted credit after {int} seconds', function (this: RoamingWorld, seconds: number) {
  expectCallCut(this, seconds);
});
