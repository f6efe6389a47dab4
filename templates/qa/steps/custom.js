// A team's own steps: `this.roaming` is roamsim's typed World API (README of the roamsim package).
const { When, Then } = require('@cucumber/cucumber');

When('the traveller lands in {plmn}', async function (plmn) {
  await this.roaming.attach(plmn, 'LTE');
});

Then('the traveller is welcome', function () {
  this.roaming.expectAccepted();
});
