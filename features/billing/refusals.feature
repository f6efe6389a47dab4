@billing
Feature: No billing without a roaming session

  Only a registration the home network accepted opens a roaming session. A rejected or dead-lettered
  registration bills nothing, and usage reported while the subscriber is registered nowhere is refused: no record is made, and
  the refusal is reported on the event stream (a "usage-refused" event, which "Then the usage is refused"
  looks for).

  **Why it matters to product:** a partner may only bill for service its network actually gave to a
  subscriber the home network let in; records outside a session are disputes waiting to happen.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: A rejected registration opens no session

    @critical @ireg:IR.24-2.2.1
    Scenario: A registration refused for lack of an agreement bills nothing
      Given home network 234-15 has no roaming agreement with 262-01
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is rejected with "roamingNotAllowed"
      And no billing trigger is emitted

    @critical @ireg:IR.24-2.2.3
    Scenario: Usage after a rejected registration is refused
      When the subscriber attaches to visited network 440-10 over LTE
      And the subscriber uses 20 MB of data
      Then the registration is rejected with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"
      And the usage is refused
      And no billing trigger is emitted

    @critical @spec:TS29.272-5.2.1.1 @silent-hss
    Scenario: A registration dead-lettered because the HSS never answers bills nothing
      Given the HSS does not answer "Update-Location" requests
      When the subscriber attaches to visited network 262-01 over LTE
      And the subscriber uses 5 MB of data
      Then the attempt is dead-lettered
      And the usage is refused
      And no billing trigger is emitted

  Rule: Usage outside a session is refused

    @critical
    Scenario: Usage before any registration is refused
      When the subscriber sends 2 SMS
      Then the usage is refused
      And no billing trigger is emitted

    @minor
    Scenario: Usage after the subscriber detached is refused
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber detaches
      And the subscriber makes a 3 minute call
      Then the usage is refused
      And a "registration" billing trigger is emitted
      And a "deregistration" billing trigger is emitted
      And the total charge is "EUR 0.00"
