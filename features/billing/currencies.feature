@billing
Feature: Agreements in different currencies

  Each roaming agreement bills in its own currency, and a session is rated by the agreement of the network
  it is in. A subscriber who travels on meets several agreements: every record is in the currency of the
  agreement it was rated by, and amounts in different currencies are never added or converted, so a trip
  has one total per currency.

  **Agreements used here** (config/roaming.yaml): Vodafone UK (234-15) in Telekom Deutschland (262-01)
  bills in EUR (data EUR 0.0020/MB, SMS EUR 0.0040); in T-Mobile USA (310-260) in USD (data USD 0.05/MB,
  SMS USD 0.05).

  Background:
    Given a "postpaid" subscriber from home network 234-15
    And the subscriber is registered in visited network 262-01 over LTE

  Rule: A move closes the session under one agreement and opens one under the next

    @critical @tap:TD.57 @ireg:IR.24-2.1.3
    Scenario: From Germany in EUR to the USA in USD
      When the subscriber uses 100 MB of data
      And the subscriber moves to visited network 310-260 over LTE
      And the subscriber uses 100 MB of data
      Then the registration is accepted
      And a "data" billing trigger is emitted with charge "EUR 0.20"
      And a "deregistration" billing trigger is emitted with charge "EUR 0.00"
      And a "registration" billing trigger is emitted with charge "USD 0.00"
      And the "registration" billing trigger carries home TADIG "GBRVF" and visited TADIG "USAW6"
      And a "data" billing trigger is emitted with charge "USD 5.00"
      And the total charge is "EUR 0.20"
      And the total charge is "USD 5.00"

    @minor @tap:TD.57
    Scenario: The same SMS costs what each agreement says, in its own currency
      When the subscriber sends 10 SMS
      And the subscriber moves to visited network 310-260 over UMTS
      And the subscriber sends 10 SMS
      Then the registration is accepted
      And a "sms" billing trigger is emitted with charge "EUR 0.04"
      And a "sms" billing trigger is emitted with charge "USD 0.50"
      And the total charge is "EUR 0.04"
      And the total charge is "USD 0.50"
