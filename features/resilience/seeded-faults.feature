@resilience @seeded
Feature: A seeded share of failing requests

  A percentage rule fails that share of the matching requests. Each request draws from the scenario's own
  random stream, derived from `ROAMSIM_SEED` and the scenario: the same seed replays the same draws, a new
  seed gives a new mix. The boundaries hold for every seed: 0 % never fails, 100 % always does.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Scenario Outline: <percent>% of UpdateLocation requests fail with a transient error over <rat>
    Given <percent>% of "UpdateLocation" requests to the HLR/HSS fail with "systemFailure"
    When the subscriber attaches to visited network 262-01 over <rat>
    Then the <outcome>
    And the HLR/HSS received <requests> "UpdateLocation" requests

    Examples:
      | percent | rat  | outcome                     | requests |
      | 0       | GSM  | registration is accepted    | 1        |
      | 0       | LTE  | registration is accepted    | 1        |
      | 100     | UMTS | attempt is dead-lettered    | 4        |
      | 100     | LTE  | attempt is dead-lettered    | 4        |

  Scenario: A light mix of transient failures is absorbed by the retries
    Given 10% of "SendAuthenticationInfo" requests to the HLR fail with "systemFailure"
    And 10% of "UpdateLocation" requests to the HLR fail with "systemFailure"
    When the subscriber attaches to visited network 262-01 over GSM
    Then the registration is accepted
    And the HLR records the subscriber in visited network 262-01

  Scenario: Every S6a request of one kind fails with a permanent error
    Given 100% of "AIR" requests to the HSS fail with "DIAMETER_ERROR_USER_UNKNOWN"
    When the subscriber attaches to visited network 262-01 over LTE
    Then the registration is rejected with "DIAMETER_ERROR_USER_UNKNOWN"
    And the HSS received 1 "Authentication-Information" request
    And the HSS received 0 "ULR" requests
