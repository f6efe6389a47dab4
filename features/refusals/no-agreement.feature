@refusals @agreements
Feature: Refusal in a network without a roaming agreement

  A subscriber who tries a network its home operator has no agreement with must be turned away by the home
  network, in the protocol of the radio technology used, and the home network must not record a location.

  **How the refusal reads on the wire:**
  - GSM/UMTS (MAP): UpdateLocation returns the error roamingNotAllowed (8) with cause plmnRoamingNotAllowed.
  - LTE (S6a): the Update-Location answer carries Experimental-Result-Code 5004
    DIAMETER_ERROR_ROAMING_NOT_ALLOWED, Vendor-Id 10415.

  Product people may write the refusal by its name or by its number: "5004" reads the same as
  "DIAMETER_ERROR_ROAMING_NOT_ALLOWED".

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: Without an agreement the home network refuses the registration

    @smoke @critical @spec:TS29.002-8.1.2 @spec:TS29.002-7.6.3.31A @ireg:IR.24-2.2.1
    Scenario: No agreement with the visited network over GSM
      Given home network 234-15 has no roaming agreement with 262-01
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is rejected with "roamingNotAllowed"
      And the subscriber is refused with "#11 PLMN not allowed"
      And the HLR/HSS has no location for the subscriber

    @critical @spec:TS29.272-5.2.1.1 @spec:TS29.272-7.4.3 @ireg:IR.24-2.2.3
    Scenario: No agreement with the visited network over LTE
      When the subscriber attaches to visited network 440-10 over LTE
      Then the registration is rejected with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"
      And the subscriber is refused with "#11 PLMN not allowed"
      And the HSS has no location for the subscriber

    @minor @spec:TS29.272-5.2.1.1 @spec:TS29.272-7.4.3 @ireg:IR.24-2.2.3
    Scenario: The refusal may be written by its Diameter number
      When the subscriber attaches to visited network 214-07 over LTE
      Then the registration is rejected with "5004"
      And the subscriber is refused with "11"
      And the HSS has no location for the subscriber

  Rule: A scenario can withdraw a configured agreement

    @critical @spec:TS29.002-8.1.2 @ireg:IR.24-2.2.2
    Scenario: The configured agreement with France is withdrawn for this scenario
      Given home network 234-15 has no roaming agreement with 208-01
      When the subscriber attaches to visited network 208-01 over UMTS
      Then the registration is rejected with "roamingNotAllowed"
      And the subscriber is refused with "PLMN not allowed"
      And the HLR has no location for the subscriber
