Feature: A busy home network is retried

  Scenario: One transient failure is retried and the registration succeeds
    Given a "postpaid" subscriber from home network 234-15
    And the HLR answers the next 1 "UpdateLocation" request with "systemFailure"
    When the subscriber attaches to visited network 262-01 over GSM
    Then the registration is accepted
    And the HLR received 2 "UpdateLocation" requests

  Scenario: A custom step (steps/custom.js) lands the traveller
    Given a "prepaid" subscriber from home network 234-15
    When the traveller lands in 262-01
    Then the traveller is welcome
