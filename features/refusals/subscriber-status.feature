@refusals @subscription
Feature: Refusal because of who the subscriber is

  Even with an agreement in place, the home network refuses a subscriber it does not know, a subscriber the
  operator has barred from roaming, and a subscriber whose tariff is for domestic use only.

  **How each refusal reads on the wire:**
  - Unknown subscriber: MAP unknownSubscriber (1) already on SendAuthenticationInfo; on LTE the
    Authentication-Information answer carries 5001 DIAMETER_ERROR_USER_UNKNOWN.
  - Barred from roaming (operator determined barring) and domestic-only tariffs: MAP roamingNotAllowed (8)
    with cause operatorDeterminedBarring; on LTE 5004 DIAMETER_ERROR_ROAMING_NOT_ALLOWED.

  All scenarios use Telekom Deutschland (262-01), which Vodafone UK (234-15) has a full agreement with.

  Rule: The home network refuses a subscriber it does not know

    @critical @spec:TS29.002-8.5.2 @ireg:IR.24-2.2.6
    Scenario: A subscriber unknown to the HLR is refused over GSM
      Given a "postpaid" subscriber from home network 234-15
      And the subscriber is unknown to the HLR
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is rejected with "unknownSubscriber"
      And the subscriber is refused with "#2 IMSI unknown in HLR"
      And the HLR has no location for the subscriber

    @critical @spec:TS29.272-5.2.3.1 @spec:TS29.272-7.4.3 @ireg:IR.24-2.2.6
    Scenario: A subscriber unknown to the HSS is refused over LTE
      Given a "postpaid" subscriber from home network 234-15
      And the subscriber is unknown to the HSS
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is rejected with "DIAMETER_ERROR_USER_UNKNOWN"
      And the subscriber is refused with "#8 EPS services and non-EPS services not allowed"
      And the HSS has no location for the subscriber

  Rule: A subscriber barred from roaming is refused abroad

    @critical @spec:TS29.002-8.1.2 @spec:TS29.002-7.6.3.31A @ireg:IR.24-2.2.7
    Scenario: A barred subscriber is refused over UMTS
      Given a "postpaid" subscriber from home network 234-15
      And the subscriber is barred from roaming
      When the subscriber attaches to visited network 262-01 over UMTS
      Then the registration is rejected with "roamingNotAllowed"
      And the subscriber is refused with "#11 PLMN not allowed"
      And the HLR/HSS has no location for the subscriber

    @critical @spec:TS29.272-5.2.1.1 @spec:TS29.272-7.4.3 @ireg:IR.24-2.2.7
    Scenario: A barred subscriber is refused over LTE
      Given a "business" subscriber from home network 234-15
      And the subscriber is barred from roaming
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is rejected with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"
      And the subscriber is refused with "#11 PLMN not allowed"
      And the HSS has no location for the subscriber

  Rule: A domestic-only tariff does not roam

    @minor @spec:TS29.002-8.1.2 @ireg:IR.24-2.2.8
    Scenario: A domestic-only subscriber is refused over GSM
      Given a "domestic-only" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is rejected with "roamingNotAllowed"
      And the subscriber is refused with "#11"
      And the HLR has no location for the subscriber

    @minor @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.2.8
    Scenario: A domestic-only subscriber is refused over LTE
      Given a "domestic-only" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is rejected with "5004"
      And the subscriber is refused with "#11 PLMN not allowed"
      And the HSS has no location for the subscriber
