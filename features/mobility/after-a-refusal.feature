@mobility
Feature: Life after a refusal

  A refused or dead-lettered registration is not the end of the subscriber's day. The handset tries again,
  somewhere else or later; it may still be registered where it was before the refused move; it may switch
  off. These journeys walk the roaming state machine out of its `rejected` and `deadLettered` states and
  back into service, so the state-coverage report shows every way out of a failure exercised.

  **On the wire:** a refused move changes nothing at home: the HLR/HSS keeps the old serving node until a
  later registration cancels it or a purge clears it.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: After a refused registration the subscriber can try again

    @minor @spec:TS29.002-8.1.2 @ireg:IR.24-2.1.9
    Scenario: A refused attach is followed by an attach in a partner network
      When the subscriber attaches to visited network 440-10 over GSM
      Then the registration is rejected with "roamingNotAllowed"
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is accepted
      And the HLR records the subscriber in visited network 262-01

    @minor @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.3.9
    Scenario: A refused move is followed by a move to a partner network that cancels the old one
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber moves to visited network 440-10 over LTE
      Then the registration is rejected with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"
      And the HSS records the subscriber in visited network 262-01
      When the subscriber moves to visited network 208-01 over LTE
      Then the registration is accepted
      And visited network 262-01 no longer holds a record of the subscriber

    @minor @spec:TS29.272-5.2.1.3 @ireg:IR.24-2.5.9
    Scenario: After a refused move the subscriber detaches from the network that still serves it
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber moves to visited network 440-10 over LTE
      Then the registration is rejected with "5004"
      When the subscriber detaches
      Then the HSS has no location for the subscriber
      And visited network 262-01 no longer holds a record of the subscriber

    @minor @spec:TS33.102-6.3 @ireg:IR.24-2.2.9
    Scenario: A move fails authentication when the SIM's key no longer matches
      Given the subscriber is registered in visited network 262-01 over UMTS
      And the subscriber's SIM holds a different key than the HLR/HSS
      When the subscriber moves to visited network 208-01 over UMTS
      Then the registration is rejected with "authenticationFailure"
      And the HLR records the subscriber in visited network 262-01

    @minor @spec:TS29.002-8.1.2 @ireg:IR.24-2.1.10
    Scenario: Attaching again where the subscriber is already registered is accepted without a cancel
      Given the subscriber is registered in visited network 262-01 over GSM
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is accepted
      And visited network 262-01 holds a record of the subscriber

  Rule: After a dead-lettered registration the subscriber can try again

    @minor @resilience @spec:TS29.002-8.1.2 @ireg:IR.24-2.1.11
    Scenario: An attach dead-lettered by a failing HLR succeeds once the HLR recovers
      Given the HLR answers the next 4 "UpdateLocation" requests with "systemFailure"
      When the subscriber attaches to visited network 262-01 over GSM
      Then the attempt is dead-lettered
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is accepted

    @minor @resilience @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.3.10
    Scenario: A move dead-lettered at the location update leaves the old registration to detach from
      Given the subscriber is registered in visited network 262-01 over LTE
      And the HSS answers the next 4 "ULR" requests with "DIAMETER_TOO_BUSY"
      When the subscriber moves to visited network 208-01 over LTE
      Then the attempt is dead-lettered
      When the subscriber detaches
      Then the HSS has no location for the subscriber

    @minor @resilience @spec:TS29.002-8.5.2 @ireg:IR.24-2.2.10
    Scenario: A move dead-lettered at authentication is retried as a new move once the HLR recovers
      Given the subscriber is registered in visited network 262-01 over UMTS
      And the HLR answers the next 4 "SendAuthenticationInfo" requests with "systemFailure"
      When the subscriber moves to visited network 208-01 over UMTS
      Then the attempt is dead-lettered
      When the subscriber moves to visited network 208-01 over UMTS
      Then the registration is accepted
      And the HLR records the subscriber in visited network 208-01
