@resilience @timeout
Feature: A slow home network

  The visited network waits 2 s for each answer from the home HLR/HSS (`retry.request_timeout_ms`). An answer
  that comes in time is as good as a fast one. An answer that would come later counts as no answer: the
  attempt times out, a timeout is transient, and the request is sent again. Time is simulated, so these
  scenarios take milliseconds.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  @spec:TS29.272-5.2.1.1
  Scenario: An answer under the timeout is accepted
    Given the HSS answers "ULR" requests after 1500 ms
    When the subscriber attaches to visited network 262-01 over LTE
    Then the registration is accepted
    And the HSS received 1 "ULR" request
    And the HSS records the subscriber in visited network 262-01

  @spec:TS29.002-8.1.2
  Scenario: An answer over the timeout is retried, then dead-lettered
    Given the HLR answers "UpdateLocation" requests after 2500 ms
    When the subscriber attaches to visited network 262-01 over GSM
    Then the attempt is dead-lettered
    And the HLR received 4 "UpdateLocation" requests
    And the HLR has no location for the subscriber

  @spec:TS29.002-8.1.2
  Scenario: One slow answer, then a quick one
    Given the HLR answers the next 1 "UpdateLocation" request with "systemFailure"
    And the HLR answers "SendAuthenticationInfo" requests after 300 ms
    When the subscriber attaches to visited network 262-01 over UMTS
    Then the registration is accepted
    And the HLR received 1 "SendAuthenticationInfo" request
    And the HLR received 2 "UpdateLocation" requests
