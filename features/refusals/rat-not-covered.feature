@refusals @agreements
Feature: Refusal over a technology the agreement does not cover

  An agreement names the radio technologies it covers. A subscriber who attaches over another technology is
  refused, even though the same visited network would accept it over a covered one.

  **How the refusal reads on the wire:**
  - GSM/UMTS (MAP): roamingNotAllowed (8), with the additional cause supportedRAT-TypesNotAllowed.
  - LTE (S6a): Experimental-Result-Code 5421 DIAMETER_ERROR_RAT_NOT_ALLOWED, Vendor-Id 10415.

  T-Mobile USA (310-260) is configured for UMTS and LTE only, so GSM is not covered there.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: The configured list of technologies is enforced

    @critical @spec:TS29.002-8.1.2 @spec:TS29.002-7.6.3.31A @ireg:IR.24-2.2.4
    Scenario: GSM in the USA is not covered by the configured agreement
      When the subscriber attaches to visited network 310-260 over GSM
      Then the registration is rejected with "roamingNotAllowed"
      And the subscriber is refused with "#15 no suitable cells in location area"
      And the HLR has no location for the subscriber

  Rule: The technologies of a scenario agreement are enforced

    @critical @spec:TS29.272-5.2.1.1 @spec:TS29.272-7.4.3 @ireg:IR.24-2.2.5
    Scenario: LTE is refused where the agreement covers only GSM and UMTS
      Given home network 234-15 has a roaming agreement with 262-01 covering GSM and UMTS
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is rejected with "DIAMETER_ERROR_RAT_NOT_ALLOWED"
      And the subscriber is refused with "#15 no suitable cells in tracking area"
      And the HSS has no location for the subscriber

    @minor @spec:TS29.002-8.1.2 @spec:TS29.002-7.6.3.31A @ireg:IR.24-2.2.4
    Scenario: UMTS is refused where the agreement covers only LTE
      Given home network 234-15 has a roaming agreement with 214-07 covering LTE
      When the subscriber attaches to visited network 214-07 over UMTS
      Then the registration is rejected with "roamingNotAllowed"
      And the subscriber is refused with "#15"
      And the HLR has no location for the subscriber

    @minor @spec:TS29.272-5.2.1.1 @spec:TS29.272-7.4.3 @ireg:IR.24-2.2.5
    Scenario: The technology refusal may be written by its Diameter number
      Given home network 234-15 has a roaming agreement with 208-01 covering GSM, UMTS
      When the subscriber attaches to visited network 208-01 over LTE
      Then the registration is rejected with "5421"
      And the subscriber is refused with "15"
