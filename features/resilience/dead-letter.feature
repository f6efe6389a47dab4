@resilience @dead-letter
Feature: A home network that never answers is dead-lettered

  When every attempt fails with a transient error, or the home HLR/HSS stays silent until each 2 s request
  timeout, the visited network gives up after the fourth attempt. The journey ends dead-lettered, not
  rejected: nobody refused the subscriber, the answer never came. One JSON line goes to
  `logs/dead-letter.jsonl` with the pseudonymised subscriber, the procedure, home and visited network, the
  technology and every attempt's error and time, so the attempt can be replayed or investigated. No location
  is recorded anywhere.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  @critical @spec:TS29.272-5.2.1.1 @silent-hss
  Scenario: An HSS that never answers the Update-Location
    Given the HSS does not answer "Update-Location" requests
    When the subscriber attaches to visited network 262-01 over LTE
    Then the attempt is dead-lettered
    And the HSS received 4 "ULR" requests
    And the HSS has no location for the subscriber

  @critical @spec:TS29.002-8.1.2
  Scenario: An HLR that never answers the UpdateLocation
    Given the HLR does not answer "UpdateLocation" requests
    When the subscriber attaches to visited network 208-01 over GSM
    Then the attempt is dead-lettered
    And the HLR received 4 "UpdateLocation" requests
    And the HLR has no location for the subscriber
    And visited network 208-01 no longer holds a record of the subscriber

  @spec:TS29.002-8.5.2
  Scenario: No vector ever comes back: the location update is never sent
    Given the HLR does not answer "SendAuthenticationInfo" requests
    When the subscriber attaches to visited network 262-01 over UMTS
    Then the attempt is dead-lettered
    And the HLR received 4 "SendAuthenticationInfo" requests
    And the HLR received 0 "UpdateLocation" requests

  @spec:TS29.002-8.1.2
  Scenario: Four systemFailure answers in a row exhaust the attempts
    Given the HLR answers the next 4 "UpdateLocation" requests with "systemFailure"
    When the subscriber attaches to visited network 262-01 over GSM
    Then the attempt is dead-lettered
    And the HLR received 4 "UpdateLocation" requests
    And the HLR has no location for the subscriber
