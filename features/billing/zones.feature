@billing @zones
Feature: Roam like at home inside the EU/EEA zone

  Zones are configuration (`zones:` in config/roaming.yaml). Inside a zone whose retail rule is "free" (the
  EU/EEA "roam like at home" zone, eu-rlah) the subscriber pays no roaming surcharge: the retail charge on
  the record is zero. The operators still settle between themselves, so the wholesale charge, tariff ×
  quantity, is recorded on the same record. The rule applies only when both the home and the visited
  network are in the zone: an agreement's `zone` names the zone to use, otherwise the first configured zone
  holding both countries applies.

  **Why it matters to product:** charging an EU customer a surcharge inside the EU breaks Regulation (EU)
  2022/612; losing the wholesale record loses the settlement with the partner.

  **Note:** the United Kingdom (MCC 234) is not in the configured eu-rlah zone, so Vodafone UK customers pay
  retail in Germany even though that agreement names the zone.

  Rule: Inside the zone retail is free and wholesale is recorded

    @critical @tap:TD.57 @reg:EU-2022-612
    Scenario: A German subscriber in France pays nothing extra
      Given home network 262-01 has a roaming agreement with 208-01
      And the roaming agreement between 262-01 and 208-01 has these tariffs:
        | service | unit    | price      |
        | data    | MB      | EUR 0.0020 |
        | voice   | minute  | EUR 0.0220 |
        | sms     | message | EUR 0.0040 |
      And a "postpaid" subscriber from home network 262-01
      And the subscriber is registered in visited network 208-01 over LTE
      When the subscriber uses 500 MB of data
      And the subscriber makes a 20 minute call
      Then a "data" billing trigger is emitted with charge "EUR 0.00"
      And a "voice" billing trigger is emitted with charge "EUR 0.00"
      And the total charge is "EUR 0.00"
      And the total wholesale charge is "EUR 1.44"

    @critical @tap:TD.57 @reg:EU-2022-612
    Scenario: Leaving the zone for the UK brings the roaming charge back
      Given home network 262-01 has a roaming agreement with 208-01
      And the roaming agreement between 262-01 and 208-01 has these tariffs:
        | service | unit | price      |
        | data    | MB   | EUR 0.0020 |
      And a "postpaid" subscriber from home network 262-01
      And the subscriber is registered in visited network 208-01 over LTE
      When the subscriber uses 100 MB of data
      And the subscriber moves to visited network 234-15 over LTE
      And the subscriber uses 100 MB of data
      Then the registration is accepted
      And a "data" billing trigger is emitted with charge "EUR 0.00"
      And a "data" billing trigger is emitted with charge "EUR 0.20"
      And the total charge is "EUR 0.20"
      And the total wholesale charge is "EUR 0.40"

  Rule: Outside the zone retail is the wholesale charge

    @minor @tap:TD.57
    Scenario: A UK subscriber in Germany pays the roaming charge
      Given a "postpaid" subscriber from home network 234-15
      And the subscriber is registered in visited network 262-01 over LTE
      When the subscriber uses 500 MB of data
      Then a "data" billing trigger is emitted with charge "EUR 1.00"
      And the total wholesale charge is "EUR 1.00"
