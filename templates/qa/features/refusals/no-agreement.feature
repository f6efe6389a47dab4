Feature: Refusal without a roaming agreement

  Scenario: No agreement with the visited network over GSM
    Given a "postpaid" subscriber from home network 234-15
    And home network 234-15 has no roaming agreement with 262-01
    When the subscriber attaches to visited network 262-01 over GSM
    Then the registration is rejected with "roamingNotAllowed"
    And the HLR has no location for the subscriber
