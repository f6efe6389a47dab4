@registration
Feature: Attach in the home network

  At home there is nothing to roam: the home HLR/HSS accepts its own subscribers in its own network without
  looking for a roaming agreement, and a subscriber whose tariff forbids roaming still works at home.

  **Why it matters to product:** roaming rules must never lock customers out of their own network. A
  "domestic-only" tariff or a missing self-agreement in the partner list must not block home service.

  Rule: No roaming agreement is needed in the home network

    @critical @spec:TS29.272-5.2.1.1 @spec:TS23.012-3.6.1
    Scenario: A UK subscriber attaches to its own network over LTE
      Given a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 234-15 over LTE
      Then the registration is accepted
      And the HSS records the subscriber in visited network 234-15
      And visited network 234-15 holds a record of the subscriber

    @critical @spec:TS29.002-8.1.2 @spec:TS23.012-3.6.1
    Scenario: Home service works even when the partner list is explicitly empty for the home network
      Given home network 234-15 has no roaming agreement with 234-15
      And a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 234-15 over GSM
      Then the registration is accepted
      And the HLR records the subscriber in visited network 234-15

  Rule: Roaming restrictions only apply abroad

    @critical @spec:TS29.002-8.1.2 @spec:TS23.012-3.6.1
    Scenario: A domestic-only subscriber attaches at home over UMTS
      Given a "domestic-only" subscriber from home network 262-01
      When the subscriber attaches to visited network 262-01 over UMTS
      Then the registration is accepted
      And the HLR records the subscriber in visited network 262-01

    @minor @spec:TS29.272-5.2.1.1 @spec:TS23.012-3.6.1
    Scenario: A subscriber barred from roaming attaches at home over LTE
      Given a "postpaid" subscriber from home network 262-01
      And the subscriber is barred from roaming
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And the HSS records the subscriber in visited network 262-01
