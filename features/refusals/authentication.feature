@refusals @authentication
Feature: Refusal when the SIM fails authentication

  Before any location update, the visited network challenges the SIM with a vector from the home network's
  authentication centre. A SIM that holds another key than the home network (a cloned or mis-provisioned
  card) cannot answer the challenge, and the registration stops there: the home network is never asked to
  record a location.

  **How the failure shows, by technology:**
  - GSM: the SIM's SRES differs from the SRES the VLR derived from the quintuplet (GSM-Milenage conversion);
    the handset gets Authentication Reject, and the VLR reports wrongUserResponse to the HLR.
  - UMTS and LTE: the USIM cannot verify the network's AUTN and sends Authentication Failure #20 MAC failure
    instead of a RES; on UMTS the VLR reports wrongNetworkSignature to the HLR.

  The outcome is reported as authenticationFailure, a local cause no home element names on the wire.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: A SIM with the wrong key is refused on every technology

    @critical @spec:TS33.102-6.8.1 @spec:TS29.002-8.5.2 @ireg:IR.24-2.3.1
    Scenario: A SIM with the wrong key is refused over GSM
      Given the subscriber's SIM holds a different key than the HLR
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is rejected with "authenticationFailure"
      And the subscriber is refused with "Authentication Reject"
      And the HLR has no location for the subscriber

    @critical @spec:TS33.102-6.3 @spec:TS29.002-8.5.2 @ireg:IR.24-2.3.2
    Scenario: A USIM with the wrong key is refused over UMTS
      Given the subscriber's SIM holds a different key than the HLR/HSS
      When the subscriber attaches to visited network 262-01 over UMTS
      Then the registration is rejected with "authenticationFailure"
      And the subscriber is refused with "#20 MAC failure"
      And the HLR/HSS has no location for the subscriber

    @critical @spec:TS33.102-6.3 @spec:TS33.401-6.1 @spec:TS29.272-5.2.3.1 @ireg:IR.24-2.3.3
    Scenario: A USIM with the wrong key is refused over LTE
      Given the subscriber's SIM holds a different key than the HSS
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is rejected with "authenticationFailure"
      And the subscriber is refused with "#20 MAC failure"
      And the HSS has no location for the subscriber
