@charging @prepaid @camel
Feature: Prepaid calls abroad are cut when the credit runs out

  A call made abroad is set up in the visited MSC. For a prepaid subscriber its gsmSSF asks the home
  network's gsmSCF (CAMEL, CAP v2 InitialDP); the answer arms ApplyCharging with the maximum call period the
  balance pays for, in whole started minutes. When the call reaches it, the ApplyChargingReport is answered
  with ReleaseCall and the call is cut at that second; a call that ends earlier is reported and charged for
  the minutes it started. The visited MSC writes the MOC record either way.

  **Why it matters to product:** a prepaid call that runs past the credit is revenue lost; a call cut while
  the balance still covers the minute is a complaint.

  **Prices used here**: Vodafone UK (234-15) in Telekom Deutschland (262-01), voice EUR 0.0220 per started
  minute: EUR 0.10 pays for 4 minutes (EUR 0.088, charged EUR 0.09).

  Background:
    Given a "prepaid" subscriber from home network 234-15
    And the subscriber is registered in visited network 262-01 over UMTS

  @critical @spec:TS29.078-4 @story:prepaid-calls
  Scenario: A prepaid call is cut at the exact second the balance pays for
    Given the subscriber has a prepaid balance of "EUR 0.10"
    When the subscriber makes a 10 minute call
    Then the call is cut off for exhausted credit after 240 seconds
    And a "voice" billing trigger is emitted with charge "EUR 0.09"
    And the prepaid balance is "EUR 0.01"
    And the online charging system received 1 "InitialDP" request
    And a "MOC" charging record is written

  @normal @story:prepaid-calls
  Scenario: A call that ends inside the period is charged for its started minutes
    Given the subscriber has a prepaid balance of "EUR 0.10"
    When the subscriber makes a 90 second call
    Then a "voice" billing trigger is emitted with charge "EUR 0.04"
    And the prepaid balance is "EUR 0.06"
    And the online charging system received 1 "ApplyChargingReport" request

  @normal @story:prepaid-calls
  Scenario: A balance that cannot pay a minute gets no call
    Given the subscriber has a prepaid balance of "EUR 0.01"
    When the subscriber makes a 1 minute call
    Then the usage is refused
    And the prepaid balance is "EUR 0.01"
    And the online charging system received 1 "InitialDP" request
