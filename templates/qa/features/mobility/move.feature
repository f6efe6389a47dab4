Feature: Moving between visited networks

  Scenario: The previous network forgets the subscriber after a move
    Given a "postpaid" subscriber from home network 234-15
    And the subscriber is registered in visited network 262-01 over UMTS
    When the subscriber moves to visited network 208-01 over UMTS
    Then the registration is accepted
    And visited network 262-01 no longer holds a record of the subscriber
