Feature: Registration in a partner network

  Scenario: A subscriber from the UK registers in Germany over LTE
    Given a "postpaid" subscriber from home network 234-15
    When the subscriber attaches to visited network 262-01 over LTE
    Then the registration is accepted
    And the HSS records the subscriber in visited network 262-01
