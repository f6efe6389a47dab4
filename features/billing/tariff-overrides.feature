@billing @tariffs
Feature: Tariffs stated in the scenario

  A scenario may state the tariffs of a roaming agreement in a table, one row per service:

    | service | unit    | price    |
    | data    | MB      | USD 0.10 |

  The table replaces the agreement's configured tariffs for that scenario only; a service it leaves out has
  no price. The first network is the home network, the second the visited one. The table never creates an
  agreement: the pair must already have one, from config/roaming.yaml or from "Given home network ... has a
  roaming agreement with ...". Sessions are rated when they open, so the table comes before the
  registration it should price.

  Prices are exact decimals with up to 6 places, so a sub-cent wholesale price reads as written; the
  charge on each record is price × quantity, rounded once, half up, to the currency's minor unit.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: The table prices the agreement for this scenario

    @critical @tap:TD.57
    Scenario: Data in the USA at the scenario's price
      Given the roaming agreement between 234-15 and 310-260 has these tariffs:
        | service | unit    | price    |
        | data    | MB      | USD 0.10 |
        | voice   | minute  | USD 0.25 |
        | sms     | message | USD 0.05 |
      And the subscriber is registered in visited network 310-260 over LTE
      When the subscriber uses 12 MB of data
      And the subscriber makes a 2 minute call
      Then a "data" billing trigger is emitted with charge "USD 1.20"
      And a "voice" billing trigger is emitted with charge "USD 0.50"
      And the total charge is "USD 1.70"

    @minor @tap:TD.57
    Scenario: The table changes only its own agreement
      Given the roaming agreement between 234-15 and 262-01 has these tariffs:
        | service | unit | price    |
        | data    | MB   | EUR 0.01 |
      And the subscriber is registered in visited network 262-01 over LTE
      When the subscriber uses 100 MB of data
      And the subscriber moves to visited network 208-01 over LTE
      And the subscriber uses 100 MB of data
      Then the registration is accepted
      And a "data" billing trigger is emitted with charge "EUR 1.00"
      And a "data" billing trigger is emitted with charge "EUR 0.20"
      And the total charge is "EUR 1.20"

    @minor
    Scenario: A service the table leaves out has no price
      Given the roaming agreement between 234-15 and 262-01 has these tariffs:
        | service | unit | price    |
        | data    | MB   | EUR 0.01 |
      And the subscriber is registered in visited network 262-01 over LTE
      Then a usage of 1 message of sms is refused with 'expected a service the agreement prices: data'

  Rule: Each charge is rounded once, half up, to the cent

    @minor @tap:TD.57
    Scenario Outline: <megabytes> MB at EUR 0.0125 per MB cost <charge>
      Given the roaming agreement between 234-15 and 262-01 has these tariffs:
        | service | unit | price      |
        | data    | MB   | EUR 0.0125 |
      And the subscriber is registered in visited network 262-01 over LTE
      When the subscriber uses <megabytes> MB of data
      Then a "data" billing trigger is emitted with charge "<charge>"
      And the total wholesale charge is "<charge>"

      Examples: Exact amount → charge
        | megabytes | charge   |
        | 1         | EUR 0.01 |
        | 2         | EUR 0.03 |
        | 3         | EUR 0.04 |
        | 4         | EUR 0.05 |
