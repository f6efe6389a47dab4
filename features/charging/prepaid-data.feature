@charging @prepaid
Feature: Prepaid data abroad is charged online by the home network

  A roaming subscriber's data is home-routed: the visited serving gateway (SGW on LTE, SGSN on GSM/UMTS)
  tunnels to the home gateway (PGW, GGSN) over GTP. For a prepaid subscriber the home gateway asks the
  home network's online charging system for quota over Gy (Diameter Credit-Control): CCR-Initial when the
  session opens, CCR-Update with the used units each time a slice is used up and at the end of each use,
  CCR-Termination when the session ends. The OCS grants at most 100 MB per slice and never more than the
  balance buys; when the balance is gone it answers 4012 DIAMETER_CREDIT_LIMIT_REACHED and the gateway
  ends the session.

  **Why it matters to product:** a data session that outlives the credit is revenue lost and a customer
  billed below zero; one cut too early is a complaint.

  **Prices used here**: Vodafone UK (234-15) in Telekom Deutschland (262-01), data EUR 0.0020 per MB, so
  EUR 1.00 buys 500 MB.

  Background:
    Given a "prepaid" subscriber from home network 234-15
    And the subscriber has a prepaid balance of "EUR 1.00"

  Rule: The session ends at the exact MB the balance buys

    @critical @spec:TS32.299-6.3 @story:credit-exhaustion
    Scenario: A prepaid data session is cut when the balance is spent
      When the subscriber attaches to visited network 262-01 over LTE
      And the subscriber uses 300 MB of data
      And the subscriber uses 300 MB of data
      Then the data session is ended for exhausted credit after 500 MB
      And the prepaid balance is "EUR 0.00"
      And a "data" billing trigger is emitted with charge "EUR 0.60"
      And a "data" billing trigger is emitted with charge "EUR 0.40"
      And the total charge is "EUR 1.00"
      And the online charging system received 1 "CCR-I" request
      And the online charging system received 1 "CCR-T" request
      And a "SGW-CDR" charging record is written

    @normal @story:credit-exhaustion
    Scenario: Data after the credit is spent is refused
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber uses 600 MB of data
      And the subscriber uses 10 MB of data
      Then the usage is refused
      And the prepaid balance is "EUR 0.00"
      And the total charge is "EUR 1.00"

    @normal @story:credit-exhaustion
    Scenario: On UMTS the first use opens a PDP context, cut the same way
      Given the subscriber is registered in visited network 262-01 over UMTS
      When the subscriber uses 750 MB of data
      Then the data session is ended for exhausted credit after 500 MB
      And a "SGSN-CDR" charging record is written
      And a "data" billing trigger is emitted with charge "EUR 1.00"
      And the prepaid balance is "EUR 0.00"

  Rule: What is used is what is paid

    @critical @story:online-charging
    Scenario: Each use is debited once and the balance shows what is left
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber uses 250 MB of data
      And the subscriber uses 100 MB of data
      Then the prepaid balance is "EUR 0.30"
      And a "data" billing trigger is emitted with charge "EUR 0.50"
      And a "data" billing trigger is emitted with charge "EUR 0.20"
      And the online charging system received 1 "CCR-I" request
      And the online charging system received 4 "CCR-U" requests

    @critical @story:online-charging
    Scenario: A detach terminates the Gy session
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber uses 120 MB of data
      And the subscriber detaches
      Then the online charging system received 1 "CCR-T" request
      And the prepaid balance is "EUR 0.76"
      And a "deregistration" billing trigger is emitted

  Rule: Bad balances are refused with a clear message

    @minor
    Scenario Outline: A balance written as <balance> is refused
      Then the prepaid balance "<balance>" is refused with "<message>"

      Examples:
        | balance   | message                        |
        | 5 EUR     | three capital letters before   |
        | EUR -1.00 | not negative                   |
        | EUR 1.005 | whole minor units of EUR       |
