Feature: Billing data while roaming

  Scenario: Data in Germany is billed at the agreement's tariff
    Given a "postpaid" subscriber from home network 234-15
    When the subscriber attaches to visited network 262-01 over LTE
    And the subscriber uses 100 MB of data
    Then a "data" billing trigger is emitted with charge "EUR 0.20"
