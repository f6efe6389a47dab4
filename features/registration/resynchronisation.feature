@registration @resynchronisation
Feature: Sequence-number resynchronisation after a synch failure

  Each UMTS and LTE challenge carries a sequence number (SQN) in its AUTN, and the USIM only accepts one
  higher than any it has seen. A USIM that has seen a higher SQN than its home authentication centre (a
  restored AuC database, vectors drawn and never used) refuses the challenge with Authentication Failure
  #21 synch failure and sends AUTS, its own SQN sealed with MAC-S. The visited network does not give up:
  it asks the home network again with the refused RAND and the AUTS, the home AuC checks MAC-S, moves its
  counter up to the USIM's and answers fresh vectors, and the visited network challenges once more.

  **How it shows, by technology:**
  - UMTS: the VLR sends a second MAP SendAuthenticationInfo carrying re-synchronisationInfo (RAND, AUTS).
  - LTE: the MME sends a second Authentication-Information request whose Requested-EUTRAN-Authentication-Info
    carries Re-Synchronization-Info (RAND ‖ AUTS, 30 octets).
  - GSM: the VLR sends RAND only (the USIM answers the GSM way, SRES and Kc from the c2/c3 conversion), so
    no SQN is checked and no resynchronisation happens.

  The visited network resynchronises once per attach: a second synch failure is a refusal with #21.

  Background:
    Given a "postpaid" subscriber from home network 234-15
    And the subscriber's USIM has seen a higher sequence number than the HLR/HSS

  Rule: UMTS and LTE resynchronise with the home AuC and accept the subscriber

    @critical @spec:TS33.102-6.3.5 @spec:TS29.002-8.5.2 @ireg:IR.24-2.1.2
    Scenario: A USIM ahead of the HLR is resynchronised over UMTS
      When the subscriber attaches to visited network 262-01 over UMTS
      Then the registration is accepted
      And the HLR received 2 "SendAuthenticationInfo" requests
      And the HLR records the subscriber in visited network 262-01

    @critical @spec:TS33.102-6.3.5 @spec:TS29.272-5.2.3.1 @ireg:IR.24-2.1.3
    Scenario: A USIM ahead of the HSS is resynchronised over LTE
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And the HSS received 2 "Authentication-Information" requests
      And the HSS records the subscriber in visited network 262-01

    @spec:TS33.102-6.3.5 @spec:TS29.002-8.5.2
    Scenario: After a resynchronisation the next network needs none
      When the subscriber attaches to visited network 262-01 over UMTS
      And the subscriber moves to visited network 208-01 over UMTS
      Then the registration is accepted
      And the HLR received 3 "SendAuthenticationInfo" requests

  Rule: GSM checks no sequence number

    @spec:TS33.102-6.8.1 @spec:TS29.002-8.5.2 @ireg:IR.24-2.1.1
    Scenario: A USIM ahead of the HLR registers over GSM without a resynchronisation
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is accepted
      And the HLR received 1 "SendAuthenticationInfo" request
