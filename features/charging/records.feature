@charging @cdr
Feature: The gateways write the records that billing is derived from

  Data abroad is home-routed: the attach over LTE creates the default bearer from the visited SGW to the
  home PGW (GTPv2-C Create Session on S8); on GSM and UMTS the first data use activates a PDP context from
  the visited SGSN to the home GGSN (GTPv1-C on Gp). Every use closes a record in the visited network
  (SGW-CDR, SGSN-CDR: what the visited operator bills wholesale) and, for a postpaid subscriber, one in the
  home network (PGW-CDR, charged offline). A call abroad leaves a MOC record in the visited MSC, an SMS an
  SMS-MO record. The data billing trigger names the record it came from and
  carries both the retail charge (what the subscriber pays) and the wholesale charge (the agreement's
  inter-operator tariff).

  **Why it matters to product:** the visited network's records are what the partner invoices (TAP); a use
  that leaves no record is revenue nobody can claim.

  Rule: A postpaid day is charged offline and reconciles

    @critical @tap:TD.57 @story:offline-charging
    Scenario: A postpaid day in Germany: data, calls and SMS between attach and detach
      Given a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over LTE
      And the subscriber uses 100 MB of data
      And the subscriber makes a 10 minute call
      And the subscriber sends 5 SMS
      And the subscriber detaches
      Then a "SGW-CDR" charging record is written
      And a "PGW-CDR" charging record is written
      And a "data" billing trigger is emitted with charge "EUR 0.20"
      And a "voice" billing trigger is emitted with charge "EUR 0.22"
      And a "sms" billing trigger is emitted with charge "EUR 0.02"
      And the total charge is "EUR 0.44"
      And the total wholesale charge is "EUR 0.44"
      And a "SMS-MO" charging record is written
      And a "MOC" charging record is written
      And the online charging system received 0 "CCR-I" requests

    @normal @story:offline-charging
    Scenario: On GSM the first data use activates a PDP context
      Given a "postpaid" subscriber from home network 234-15
      And the subscriber is registered in visited network 262-01 over GSM
      When the subscriber uses 40 MB of data
      Then a "SGSN-CDR" charging record is written
      And a "PGW-CDR" charging record is written
      And a "data" billing trigger is emitted with charge "EUR 0.08"

  Rule: A move ends the session in the old network and opens one in the new

    @critical @story:mobility
    Scenario: A move during a data session splits the usage between two sessions
      Given a "prepaid" subscriber from home network 234-15
      And the subscriber has a prepaid balance of "EUR 1.00"
      And the subscriber is registered in visited network 262-01 over LTE
      When the subscriber uses 100 MB of data
      And the subscriber moves to visited network 208-01 over LTE
      And the subscriber uses 50 MB of data
      Then the online charging system received 2 "CCR-I" requests
      And the online charging system received 1 "CCR-T" request
      And a "data" billing trigger is emitted with charge "EUR 0.20"
      And a "data" billing trigger is emitted with charge "EUR 0.10"
      And the prepaid balance is "EUR 0.70"

  Rule: Roam like at home: retail is zero, wholesale is not

    @critical @reg:EU-2022-612 @story:zones
    Scenario: A prepaid German subscriber in France spends nothing and the partner is still owed
      Given home network 262-01 has a roaming agreement with 208-01
      And the roaming agreement between 262-01 and 208-01 has these tariffs:
        | service | unit    | price      |
        | data    | MB      | EUR 0.0020 |
        | voice   | minute  | EUR 0.0220 |
        | sms     | message | EUR 0.0040 |
      And a "prepaid" subscriber from home network 262-01
      And the subscriber has a prepaid balance of "EUR 1.00"
      And the subscriber is registered in visited network 208-01 over LTE
      When the subscriber uses 700 MB of data
      And the subscriber makes a 20 minute call
      And the subscriber sends 3 SMS
      Then a "data" billing trigger is emitted with charge "EUR 0.00"
      And the total charge is "EUR 0.00"
      And the total wholesale charge is "EUR 1.85"
      And the prepaid balance is "EUR 1.00"
      And a "SGW-CDR" charging record is written

  Rule: A balance must be in the agreement's currency

    @minor
    Scenario: A euro balance for a subscriber roaming on a dollar agreement is refused
      Given a "prepaid" subscriber from home network 234-15
      And the subscriber is registered in visited network 310-260 over LTE
      Then the prepaid balance "EUR 5.00" is refused with "an amount in USD"
