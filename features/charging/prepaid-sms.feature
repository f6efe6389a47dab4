@charging @prepaid @sms
Feature: Prepaid SMS abroad are paid before the home SMSC takes them

  A text sent abroad goes from the visited MSC to the home network's SMSC (MAP MO-ForwardSM) and the visited
  MSC writes an SMS-MO record for it. For a prepaid subscriber the SMSC first debits the message at the home
  OCS (Diameter Credit-Control event request, direct debiting); when the balance cannot pay for it the SMSC
  refuses the message and nothing is charged for it.

  **Why it matters to product:** a prepaid text that goes out unpaid is revenue lost; one refused while
  the balance still covers it is a complaint.

  **Prices used here**: Vodafone UK (234-15) in Telekom Deutschland (262-01), SMS EUR 0.0040 each.

  Background:
    Given a "prepaid" subscriber from home network 234-15
    And the subscriber is registered in visited network 262-01 over GSM

  @critical @spec:TS29.002-12.2 @story:prepaid-sms
  Scenario: A prepaid SMS is refused when the balance cannot pay it
    Given the subscriber has a prepaid balance of "EUR 0.00"
    When the subscriber sends 1 SMS
    Then the SMS is refused for exhausted credit
    And the usage is refused
    And a "SMS-MO" charging record is written
    And the online charging system received 1 "CCR-E" request
    And the prepaid balance is "EUR 0.00"

  @critical @story:prepaid-sms
  Scenario: The messages the balance pays for go out, the next one is refused
    Given the subscriber has a prepaid balance of "EUR 0.01"
    When the subscriber sends 5 SMS
    Then the SMS is refused for exhausted credit
    And a "sms" billing trigger is emitted with charge "EUR 0.01"
    And the online charging system received 3 "CCR-E" requests
    And the prepaid balance is "EUR 0.00"

  @normal @story:prepaid-sms
  Scenario: A balance that covers the texts pays for them exactly
    Given the subscriber has a prepaid balance of "EUR 1.00"
    When the subscriber sends 5 SMS
    Then a "sms" billing trigger is emitted with charge "EUR 0.02"
    And the prepaid balance is "EUR 0.98"
    And a "SMS-MO" charging record is written
