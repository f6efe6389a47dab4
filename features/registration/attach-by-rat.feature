@registration
Feature: Registration in a visited network over GSM, UMTS and LTE

  A subscriber who lands abroad switches on the phone. The visited network authenticates the SIM with a
  vector fetched from the home network, then asks the home network to record where the subscriber now is.
  Only when the home network agrees may the subscriber use the visited network.

  **Why it matters to product:** this is the first thing every roaming customer does; if it fails, nothing
  else works (no calls, no data, no SMS, no roaming revenue).

  **What the home network does, by radio technology:**
  - GSM and UMTS: the visited VLR talks to the home **HLR** over MAP (SendAuthenticationInfo, then
    UpdateLocation with InsertSubscriberData).
  - LTE: the visited MME talks to the home **HSS** over Diameter S6a (Authentication-Information, then
    Update-Location; the subscription data rides in the answer).

  Vodafone UK (234-15) has an agreement with Telekom Deutschland (262-01) for GSM, UMTS and LTE in
  config/roaming.yaml, so these scenarios need no agreement step.

  Rule: GSM and UMTS register with the home HLR over MAP

    @smoke @critical @spec:TS29.002-8.1.2 @spec:TS29.002-8.5.2 @ireg:IR.24-2.1.1
    Scenario: A UK subscriber registers in Germany over GSM
      Given a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is accepted
      And the HLR records the subscriber in visited network 262-01
      And visited network 262-01 holds a record of the subscriber

    @critical @spec:TS29.002-8.1.2 @spec:TS33.102-6.3 @ireg:IR.24-2.1.2
    Scenario: A UK subscriber registers in Germany over UMTS
      Given a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over UMTS
      Then the registration is accepted
      And the HLR records the subscriber in visited network 262-01
      And visited network 262-01 holds a record of the subscriber

  Rule: LTE registers with the home HSS over Diameter S6a

    @smoke @critical @spec:TS29.272-5.2.1.1 @spec:TS29.272-5.2.3.1 @ireg:IR.24-2.1.3
    Scenario: A UK subscriber registers in Germany over LTE
      Given a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And the HSS records the subscriber in visited network 262-01
      And visited network 262-01 holds a record of the subscriber

  Rule: Every roaming-enabled tariff registers the same way

    @minor @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.1.3
    Scenario Outline: A <profile> subscriber registers in Germany over LTE
      Given a "<profile>" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And the HLR/HSS records the subscriber in visited network 262-01

      Examples: Tariffs other than postpaid
        | profile  |
        | prepaid  |
        | business |
