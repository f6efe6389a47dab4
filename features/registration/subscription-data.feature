@registration
Feature: The subscription data the home network sends the visited network

  Registering is not only "yes": the home network tells the visited network what the subscriber may use.
  Over LTE the HSS puts it in the Update-Location answer (Subscription-Data: MSISDN, status, access mode,
  AMBR, the APN-Configuration-Profile with the default APN and its QoS, access restrictions, barring); over
  GSM and UMTS the HLR sends MAP InsertSubscriberData inside the location update (category, status,
  teleservices, bearer services, supplementary services, barring). What each profile subscribes to is in
  config/roaming.yaml (`profiles`); the README lists the phrases these steps accept.

  **Why it matters to product:** without an APN the visited MME cannot open a data session; without
  teleservices the visited MSC cannot connect a call; a barring the visited network never hears of is a
  barring it cannot enforce.

  Rule: LTE: the Update-Location answer carries the EPS subscription

    @spec:TS29.272-7.3.2 @spec:TS29.272-7.3.35
    Scenario: A postpaid subscriber gets the internet APN in Germany
      Given a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And the subscription data sent to visited network 262-01 includes "APN internet"
      And the subscription data sent to visited network 262-01 includes "default APN internet"
      And the subscription data sent to visited network 262-01 includes "APN internet QCI 9"
      And the subscription data sent to visited network 262-01 includes "service granted"

    @spec:TS29.272-7.3.30
    Scenario: A business subscriber barred from international calls gets two APNs and the barring
      Given a "business" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over LTE
      Then the registration is accepted
      And the subscription data sent to visited network 262-01 includes "APN ims IPv6"
      And the subscription data sent to visited network 262-01 includes "ODB all outgoing international calls"
      And the subscription data sent to visited network 262-01 includes "NB-IoT not allowed"

  Rule: GSM and UMTS: InsertSubscriberData carries the circuit-switched subscription

    @spec:TS29.002-8.8.1
    Scenario: A postpaid subscriber may call and text in Germany
      Given a "postpaid" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is accepted
      And the subscription data sent to visited network 262-01 includes "teleservice telephony"
      And the subscription data sent to visited network 262-01 includes "teleservice short message MO"
      And the subscription data sent to visited network 262-01 includes "SS call waiting"

    @spec:TS29.002-8.8.1 @spec:TS29.002-17.7.1
    Scenario: A business subscriber's barring reaches the visited VLR
      Given a "business" subscriber from home network 234-15
      When the subscriber attaches to visited network 262-01 over UMTS
      Then the registration is accepted
      And the subscription data sent to visited network 262-01 includes "operator determined barring"
      And the subscription data sent to visited network 262-01 includes "ODB all outgoing international calls"
      And the subscription data sent to visited network 262-01 includes "bearer service all data CDA"
