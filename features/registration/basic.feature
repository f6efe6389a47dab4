Feature: Registration in a visited network

  Scenario: UK subscriber registers in Germany over LTE
    Given home network 234-15 has a roaming agreement with 262-01
    And a "postpaid" subscriber from home network 234-15
    When the subscriber attaches to visited network 262-01 over LTE
    Then the registration is accepted
    And the HSS records the subscriber in visited network 262-01
    And visited network 262-01 holds a record of the subscriber

  Scenario: no agreement
    Given home network 234-15 has no roaming agreement with 262-01
    And a "postpaid" subscriber from home network 234-15
    When the subscriber attaches to visited network 262-01 over GSM
    Then the registration is rejected with "roamingNotAllowed"
    And the HLR/HSS has no location for the subscriber
