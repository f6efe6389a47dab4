@billing
Feature: Billing triggers along the roaming journey

  While a subscriber roams, the visited network reports what happened so both operators can bill it: the
  registration that opens a roaming session, every use of data, voice and SMS, and the deregistration that
  closes it. Each record carries the TADIG codes of the home and the visited network and is rated by the
  tariffs of the roaming agreement between them, in that agreement's currency.

  **Why it matters to product:** these records are the roaming revenue. A missing record is money not
  billed; a wrong price is a dispute with the partner operator.

  **Prices used here** (config/roaming.yaml, wholesale per unit):
  - Vodafone UK (234-15) in Telekom Deutschland (262-01): data EUR 0.0020/MB, voice EUR 0.0220/minute,
    SMS EUR 0.0040/message.
  - Vodafone UK (234-15) in T-Mobile USA (310-260): data USD 0.05/MB, voice USD 0.15/minute, SMS USD 0.05.

  A charge is the exact price × quantity, rounded once, half up, to the cent (EUR 0.264 → EUR 0.26).
  Each usage step is one record for its whole quantity.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: A registration opens the session, costs nothing and names both networks

    @critical @tap:TD.57 @ireg:IR.24-2.1.3
    Scenario: A registration in Germany opens a billing session at no charge
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And a "registration" billing trigger is emitted with charge "EUR 0.00"
      And the "registration" billing trigger carries home TADIG "GBRVF" and visited TADIG "DEUD1"

  Rule: Usage is rated per unit by the agreement's tariffs

    @critical @tap:TD.57
    Scenario: Data is charged per MB
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber uses 250 MB of data
      Then a "data" billing trigger is emitted with charge "EUR 0.50"
      And the total charge is "EUR 0.50"

    @critical @tap:TD.57
    Scenario: A call is charged per minute
      Given the subscriber is registered in visited network 262-01 over UMTS
      When the subscriber makes a 12 minute call
      Then a "voice" billing trigger is emitted with charge "EUR 0.26"

    @minor @tap:TD.57
    Scenario Outline: A started minute is a billed minute (<seconds> seconds in the USA)
      Given the subscriber is registered in visited network 310-260 over LTE
      When the subscriber makes a <seconds> second call
      Then a "voice" billing trigger is emitted with charge "<charge>"

      Examples: Call lengths around the minute
        | seconds | charge   |
        | 1       | USD 0.15 |
        | 60      | USD 0.15 |
        | 61      | USD 0.30 |
        | 150     | USD 0.45 |

    @critical @tap:TD.57
    Scenario: SMS are charged per message
      Given the subscriber is registered in visited network 262-01 over GSM
      When the subscriber sends 5 SMS
      Then a "sms" billing trigger is emitted with charge "EUR 0.02"

  Rule: Detaching closes the session at no charge

    @critical @tap:TD.57
    Scenario: A detach in Germany closes the billing session
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber detaches
      Then a "deregistration" billing trigger is emitted with charge "EUR 0.00"

  Rule: A whole trip adds up to the sum of its records

    @critical @tap:TD.57
    Scenario: A day in Germany: data, a call and SMS between registration and detach
      When the subscriber attaches to visited network 262-01 over LTE
      And the subscriber uses 100 MB of data
      And the subscriber makes a 10 minute call
      And the subscriber sends 5 SMS
      And the subscriber detaches
      Then the registration is accepted
      And a "registration" billing trigger is emitted with charge "EUR 0.00"
      And a "data" billing trigger is emitted with charge "EUR 0.20"
      And a "voice" billing trigger is emitted with charge "EUR 0.22"
      And a "sms" billing trigger is emitted with charge "EUR 0.02"
      And a "deregistration" billing trigger is emitted
      And the total charge is "EUR 0.44"
