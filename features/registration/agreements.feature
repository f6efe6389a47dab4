@registration @agreements
Feature: Roaming agreements from the configuration and from the scenario

  Which partners a home network lets its subscribers use, and over which radio technologies, is the
  roaming agreement. The catalogue reads the agreements of config/roaming.yaml; a scenario may state its
  own agreement for a pair of networks, which then replaces the configured one for that scenario only.

  **Configured agreements for Vodafone UK (234-15), as shipped:**
  - Telekom Deutschland 262-01 and Orange France 208-01: GSM, UMTS and LTE.
  - T-Mobile USA 310-260: UMTS and LTE only (no GSM).
  - Telefonica Spain 214-07 and NTT docomo 440-10: no agreement.

  Rule: A configured agreement lets the subscriber in over the technologies it lists

    @critical @spec:TS29.002-8.1.2 @ireg:IR.24-2.1.2
    Scenario: A UK subscriber registers in the USA over UMTS under the configured agreement
      Given a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 310-260 over UMTS
      Then the registration is accepted
      And the HLR records the subscriber in visited network 310-260

    @minor @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.1.3
    Scenario: A UK subscriber registers in France over LTE under the configured agreement
      Given a "business" subscriber from home network 234-15
      When the subscriber attaches to visited network 208-01 over LTE
      Then the registration is accepted
      And the HSS records the subscriber in visited network 208-01

  Rule: An agreement stated in the scenario replaces the configured one for that pair

    @critical @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.1.3
    Scenario: A new partner agreed in the scenario admits the subscriber
      Given home network 234-15 has a roaming agreement with 214-07
      And a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 214-07 over LTE
      Then the registration is accepted
      And the HSS records the subscriber in visited network 214-07
      And visited network 214-07 holds a record of the subscriber

    @minor @spec:TS29.002-8.1.2 @ireg:IR.24-2.1.1
    Scenario: A scenario agreement widens the configured technologies to GSM
      Given home network 234-15 has a roaming agreement with 310-260 covering GSM, UMTS and LTE
      And a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 310-260 over GSM
      Then the registration is accepted
      And the HLR records the subscriber in visited network 310-260

    @minor @spec:TS29.002-8.1.2 @ireg:IR.24-2.1.2
    Scenario: A scenario agreement for one technology admits the subscriber over that technology
      Given home network 262-01 has a roaming agreement with 234-15 covering UMTS
      And a "prepaid" subscriber from home network 262-01
      When the subscriber attaches to visited network 234-15 over UMTS
      Then the registration is accepted
      And the HLR/HSS records the subscriber in visited network 234-15
