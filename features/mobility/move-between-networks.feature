@mobility
Feature: Moving between visited networks

  A traveller crosses a border, or the phone reselects another partner network. The new visited network
  registers the subscriber with the home network, and the home network cancels the registration in the
  network the subscriber left, so exactly one network serves each domain at any time (no double charging,
  calls and SMS delivered to the right place).

  **On the wire:** the home HLR sends MAP CancelLocation to the old VLR; the home HSS sends S6a
  Cancel-Location to the old MME.

  **Two domains, kept apart:** a VLR holds the circuit-switched (CS) registration, an MME the EPS one, and
  3GPP keeps them independent (TS 23.401 §5.3.2.1): a registration with a VLR does not cancel the MME, nor
  an LTE registration the VLR. The old VLR keeps its record until a CS registration elsewhere cancels it,
  or its own implicit detach. A **combined attach** (TS 23.272: the MME registers the phone with the VLR
  over SGs, SGsAP-LOCATION-UPDATE-REQUEST then ACCEPT, as a phone that wants circuit-switched fallback for
  calls does) registers both, so it cancels the old VLR as well.

  Vodafone UK (234-15) has full agreements with Germany (262-01) and France (208-01), UMTS and LTE with the
  USA (310-260), and none with Japan (440-10), as configured.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: A move cancels the registration in the network left behind, within the same domain

    @smoke @critical @spec:TS29.272-5.2.1.1 @spec:TS29.272-5.2.1.2 @ireg:IR.24-2.4.1
    Scenario: A subscriber moves from Germany to France over LTE
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber moves to visited network 208-01 over LTE
      Then the registration is accepted
      And the HSS records the subscriber in visited network 208-01
      And visited network 208-01 holds a record of the subscriber
      And visited network 262-01 no longer holds a record of the subscriber

    @critical @spec:TS29.002-8.1.2 @spec:TS29.002-8.1.3 @ireg:IR.24-2.4.2
    Scenario: A subscriber moves from Germany over GSM to France over UMTS
      Given the subscriber is registered in visited network 262-01 over GSM
      When the subscriber moves to visited network 208-01 over UMTS
      Then the registration is accepted
      And the HLR records the subscriber in visited network 208-01
      And visited network 262-01 no longer holds a record of the subscriber

    @critical @spec:TS29.002-8.1.3 @spec:TS29.272-5.2.1.2 @ireg:IR.24-2.4.3
    Scenario: A chain of three moves across GSM, UMTS and LTE
      Given the subscriber is registered in visited network 262-01 over GSM
      When the subscriber moves to visited network 208-01 over UMTS
      And the subscriber moves to visited network 310-260 over LTE with combined attach
      And the subscriber moves to visited network 262-01 over LTE with combined attach
      Then the registration is accepted
      And the HLR/HSS records the subscriber in visited network 262-01
      And visited network 262-01 holds a record of the subscriber
      And visited network 208-01 no longer holds a record of the subscriber
      And visited network 310-260 no longer holds a record of the subscriber

    @minor @spec:TS29.272-5.2.1.1 @spec:TS29.272-5.2.1.2 @ireg:IR.24-2.4.4
    Scenario: A subscriber returns home from Germany
      Given the subscriber is registered in visited network 262-01 over UMTS
      When the subscriber moves to visited network 234-15 over LTE with combined attach
      Then the registration is accepted
      And the HSS records the subscriber in visited network 234-15
      And visited network 262-01 no longer holds a record of the subscriber

    @minor @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.4.5
    Scenario: A change of technology within the same visited network keeps the subscriber there
      Given the subscriber is registered in visited network 262-01 over GSM
      When the subscriber moves to visited network 262-01 over LTE
      Then the registration is accepted
      And the HSS records the subscriber in visited network 262-01
      And visited network 262-01 holds a record of the subscriber

  Rule: CS and EPS registrations are kept apart unless the attach is combined

    @critical @spec:TS23.401-5.3.2.1 @spec:TS29.272-5.2.1.1
    Scenario: An LTE registration elsewhere leaves the VLR registration in place
      Given the subscriber is registered in visited network 262-01 over UMTS
      When the subscriber moves to visited network 208-01 over LTE
      Then the registration is accepted
      And the HSS records the subscriber in visited network 208-01
      And visited network 262-01 holds a record of the subscriber

    @critical @spec:TS23.401-5.3.2.1 @spec:TS29.002-8.1.2
    Scenario: A VLR registration elsewhere leaves the MME registration in place
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber moves to visited network 208-01 over GSM
      Then the registration is accepted
      And the HLR records the subscriber in visited network 208-01
      And visited network 262-01 holds a record of the subscriber

    @critical @spec:TS23.272-5.2 @spec:TS29.118-5.2
    Scenario: A combined attach registers the phone with the VLR over SGs
      When the subscriber attaches to visited network 208-01 over LTE with combined attach
      Then the registration is accepted
      And visited network 208-01 signalled "SGsAP-LOCATION-UPDATE-REQUEST" over SGs
      And visited network 208-01 signalled "SGsAP-LOCATION-UPDATE-ACCEPT" over SGs
      And the HLR records the subscriber in visited network 208-01
      And visited network 208-01 holds a record of the subscriber

    @critical @spec:TS23.272-5.2 @spec:TS29.002-8.1.3
    Scenario: A combined attach registers the VLR too and cancels the VLR left behind
      Given the subscriber is registered in visited network 262-01 over GSM
      When the subscriber attaches to visited network 208-01 over LTE with combined attach
      Then the registration is accepted
      And visited network 208-01 holds a record of the subscriber
      And visited network 262-01 no longer holds a record of the subscriber

  Rule: A refused move leaves the old registration in place

    @critical @spec:TS29.272-5.2.1.1 @spec:TS29.272-7.4.3 @ireg:IR.24-2.4.6
    Scenario: A move to a network without an agreement is refused and Germany keeps serving
      Given the subscriber is registered in visited network 262-01 over LTE
      When the subscriber moves to visited network 440-10 over LTE
      Then the registration is rejected with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"
      And the HSS records the subscriber in visited network 262-01
      And visited network 262-01 holds a record of the subscriber

    @minor @spec:TS29.002-8.1.2 @spec:TS29.002-7.6.3.31A @ireg:IR.24-2.4.6
    Scenario: A move over a technology the agreement does not cover is refused
      Given the subscriber is registered in visited network 208-01 over UMTS
      When the subscriber moves to visited network 310-260 over GSM
      Then the registration is rejected with "roamingNotAllowed"
      And the HLR records the subscriber in visited network 208-01
      And visited network 208-01 holds a record of the subscriber
