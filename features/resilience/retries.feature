@resilience @retry
Feature: Transient failures of the home network are retried

  A visited network that gets a transient error from the home HLR/HSS (MAP systemFailure, Diameter
  DIAMETER_TOO_BUSY, DIAMETER_UNABLE_TO_DELIVER, DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE) asks again, up to
  4 attempts, waiting a full-jitter exponential backoff between them (200 ms × 2, capped at 5 s). The subscriber
  notices nothing when a later attempt succeeds. A permanent error is never retried.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: A transient error is retried until an attempt succeeds

    @critical @spec:TS29.002-8.1.2
    Scenario: Two systemFailure answers to UpdateLocation, the third attempt succeeds
      Given the HLR answers the next 2 "UpdateLocation" requests with "systemFailure"
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is accepted
      And the HLR received 3 "UpdateLocation" requests
      And the HLR records the subscriber in visited network 262-01

    @spec:TS29.002-8.5.2
    Scenario: A busy HLR delays the vector fetch over UMTS, not the registration
      Given the HLR answers the next 1 "SendAuthenticationInfo" request with "systemFailure"
      When the subscriber attaches to visited network 262-01 over UMTS
      Then the registration is accepted
      And the HLR received 2 "SendAuthenticationInfo" requests
      And the HLR received 1 "UpdateLocation" request

    @critical @spec:TS29.272-5.2.1.1 @spec:RFC6733-7.1.3
    Scenario: DIAMETER_TOO_BUSY on the Update-Location (ULR) is retried over LTE
      Given the HSS answers the next 3 "ULR" requests with "DIAMETER_TOO_BUSY"
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And the HSS received 4 "Update-Location" requests
      And the HSS records the subscriber in visited network 262-01

    @spec:TS29.272-5.2.3.1 @spec:TS29.272-7.4.4
    Scenario: No authentication data available for a moment (AIR) over LTE
      Given the HSS answers the next 1 "AIR" request with "DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE"
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And the HSS received 2 "Authentication-Information" requests

    @spec:TS29.272-5.2.1.1
    Scenario: A fault written with the MAP name applies to the S6a twin on LTE
      Given the HLR/HSS answers the next 2 "UpdateLocation" requests with "systemFailure"
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And the HSS received 3 "ULR" requests

  Rule: A permanent error ends the registration at the first answer

    @critical @spec:TS29.002-8.1.2
    Scenario: A permanent error is not retried over GSM
      Given the HLR answers the next 5 "UpdateLocation" requests with "unknownSubscriber"
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is rejected with "unknownSubscriber"
      And the HLR received 1 "UpdateLocation" request
      And the HLR has no location for the subscriber

    @spec:TS29.272-5.2.1.1 @spec:TS29.272-7.4.3
    Scenario: A permanent S6a error is not retried over LTE
      Given the HSS answers the next 2 "Update-Location" requests with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is rejected with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"
      And the HSS received 1 "ULR" request
