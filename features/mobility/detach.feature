@mobility
Feature: Detach and re-attach

  When the phone is switched off abroad, the visited network drops its record of the subscriber and tells
  the home network with a purge, so the home network stops routing calls and SMS there. Switching on again
  registers afresh, in the same network or another one.

  **On the wire:** IMSI detach leads to MAP PurgeMS from the VLR to the HLR; EPS detach leads to S6a
  Purge-UE from the MME to the HSS. The home network clears the location only when the purge comes from
  the node it has on record. A phone attached combined (EPS and CS, over SGs) detaches combined: the MME
  tells the VLR over SGs (SGsAP-IMSI-DETACH-INDICATION), the VLR purges the HLR, the MME purges the HSS.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: A detach purges the subscriber in both networks

    @critical @spec:TS29.002-8.1.6 @ireg:IR.24-2.5.1
    Scenario: Detach in Germany over GSM purges the HLR record
      Given the subscriber is registered in visited network 262-01 over GSM
      When the subscriber detaches
      Then the HLR has no location for the subscriber
      And visited network 262-01 no longer holds a record of the subscriber

    @critical @spec:TS29.272-5.2.1.3 @ireg:IR.24-2.5.2
    Scenario: Detach in France over LTE purges the HSS record
      Given the subscriber is registered in visited network 208-01 over LTE
      When the subscriber detaches
      Then the HSS has no location for the subscriber
      And visited network 208-01 no longer holds a record of the subscriber

  Rule: A detached subscriber can attach again

    @critical @spec:TS29.002-8.1.6 @spec:TS29.002-8.1.2 @ireg:IR.24-2.5.3
    Scenario: Re-attach in the same network after a detach
      Given the subscriber is registered in visited network 262-01 over UMTS
      When the subscriber detaches
      And the subscriber attaches to visited network 262-01 over UMTS
      Then the registration is accepted
      And the HLR records the subscriber in visited network 262-01
      And visited network 262-01 holds a record of the subscriber

    @minor @spec:TS29.272-5.2.1.3 @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.5.3
    Scenario: Re-attach in another network over another technology after a detach
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber detaches
      And the subscriber attaches to visited network 310-260 over UMTS
      Then the registration is accepted
      And the HLR/HSS records the subscriber in visited network 310-260
      And visited network 310-260 holds a record of the subscriber
      And visited network 262-01 no longer holds a record of the subscriber

  Rule: A combined detach ends the EPS and the CS registration

    @critical @spec:TS24.301-5.5.2.2 @spec:TS23.272-5.3 @spec:TS29.118-5.5 @spec:TS29.002-8.1.6
    Scenario: Switched off in France after a combined attach: neither the HLR nor the HSS keeps a location
      When the subscriber attaches to visited network 208-01 over LTE with combined attach
      And the subscriber detaches
      Then visited network 208-01 signalled "SGsAP-IMSI-DETACH-INDICATION" over SGs
      And visited network 208-01 signalled "SGsAP-IMSI-DETACH-ACK" over SGs
      And the HLR has no location for the subscriber
      And the HSS has no location for the subscriber
      And visited network 208-01 no longer holds a record of the subscriber
