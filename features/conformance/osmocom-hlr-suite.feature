@conformance @gsup @wire-only
Feature: The home HLR as Osmocom's HLR test suite probes it

  The journeys Osmocom's own HLR test suite (TTCN-3, over GSUP) runs against an HLR, in roamsim's words: the
  visited network's VLR (circuit-switched) or SGSN (packet-switched) speaks GSUP to the home HLR under test,
  which is roamsim's own GSUP HLR in wire mode or a real HLR named in the config (`networks[].hlr`), as in
  `make conformance SUT=osmo-hlr`.

  **On the wire:** GSUP over IPA on TCP: SendAuthInfo, UpdateLocation with InsertSubscriberData inside it,
  PurgeMS, LocationCancel. Refusals carry a GMM cause, read back as the MAP error the other features name.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: Authentication vectors are Milenage for the subscriber's key, at most five at a time

    @spec:TS29.002-8.5.2 @spec:TS33.102-6.3
    Scenario: The HLR caps the vector count at 5 when more are asked
      When the VLR of visited network 262-01 asks the HLR for 9 authentication vectors
      Then the HLR returns 5 authentication vectors
      And every vector authenticates with the subscriber's SIM

    @spec:TS29.002-8.5.2
    Scenario: The HLR returns as many vectors as asked below the cap
      When the VLR of visited network 262-01 asks the HLR for 2 authentication vectors
      Then the HLR returns 2 authentication vectors
      And every vector has the AMF separation bit clear

    @spec:TS33.401-6.1 @spec:TS33.102-AnnexH
    Scenario: Vectors asked for E-UTRAN carry the AMF separation bit
      When the VLR of visited network 262-01 asks the HLR for authentication vectors for E-UTRAN
      Then every vector has the AMF separation bit set

    @spec:TS33.102-6.3.5
    Scenario: Resynchronisation with AUTS after a sequence number failure
      Given the VLR of visited network 262-01 asks the HLR for 1 authentication vectors
      When the subscriber's SIM reports a sequence number failure to the VLR of visited network 262-01
      Then the HLR's next vector is fresh for the SIM

  Rule: Location management: one serving VLR, purge, barring per domain

    @spec:TS29.002-8.1.2
    Scenario: A location update gets the subscriber profile and is accepted
      When the VLR of visited network 262-01 updates the subscriber's location
      Then the HLR accepts

    @spec:TS29.002-8.1.3
    Scenario: A second location update from another VLR cancels the first
      Given the VLR of visited network 262-01 has registered the subscriber
      When the VLR of visited network 208-01 updates the subscriber's location
      Then the HLR accepts
      And the VLR of visited network 262-01 receives a Location Cancel for the subscriber

    @spec:TS29.002-8.1.6
    Scenario: A purge of a registered subscriber is accepted
      Given the VLR of visited network 262-01 has registered the subscriber
      When the VLR of visited network 262-01 purges the subscriber
      Then the HLR accepts

    @spec:TS29.002-8.1.6
    Scenario: A purge of an unknown subscriber is refused
      Given the subscriber is unknown to the HLR
      When the VLR of visited network 262-01 purges the subscriber
      Then the HLR refuses with "unknownSubscriber" (GMM cause 2)

    @spec:TS24.008-10.5.5.14
    Scenario Outline: A barred subscriber is refused with the cause of the domain (<node>)
      Given the subscriber is barred from roaming
      When the <node> of visited network 262-01 updates the subscriber's location
      Then the HLR refuses with "roamingNotAllowed" (GMM cause <cause>)

      Examples: circuit- and packet-switched
        | node | cause |
        | VLR  | 11    |
        | SGSN | 7     |
