@telemetry
Feature: Metrics of registrations

  Every registration attempt and every signalling procedure is counted in the run's Prometheus metrics, the
  same ones `ROAMSIM_METRICS_PORT` serves and `reports/metrics.prom` holds at the end of the run. A scenario
  asserts what it moved: each delta is measured from the start of the scenario, so the scenarios before it
  (and their order) do not matter.

  **Labels:** `roamsim_registrations_total` by `outcome` (accepted, rejected, dead-lettered), `visited_plmn`
  and `rat`; `roamsim_procedures_total` by `procedure` (MAP names for GSM/UMTS, S6a names for LTE),
  `home_plmn`, `visited_plmn`, `rat` and `result` (`ok` or the protocol error name). A label left out of the
  step is summed over.

  Background:
    Given a "postpaid" subscriber from home network 234-15

  Rule: An accepted registration is counted once, with its visited network

    @critical
    Scenario Outline: An accepted registration in Germany over <rat> is counted
      Given home network 234-15 has a roaming agreement with 262-01
      When the subscriber attaches to visited network 262-01 over <rat>
      Then the registration is accepted
      And the metric "roamsim_registrations_total" with labels "outcome=accepted,visited_plmn=262-01,rat=<rat>" increased by 1
      And the metric "roamsim_registrations_total" with labels "outcome=rejected" increased by 0
      And the metric "roamsim_procedures_total" with labels "procedure=<update>,home_plmn=234-15,visited_plmn=262-01,result=ok" increased by 1

      Examples:
        | rat  | update          |
        | GSM  | UpdateLocation  |
        | UMTS | UpdateLocation  |
        | LTE  | Update-Location |

  Rule: A refused registration is counted as rejected, its location update with the error name

    @critical
    Scenario: A refusal over GSM counts a rejected registration and a refused UpdateLocation
      Given home network 234-15 has no roaming agreement with 262-01
      When the subscriber attaches to visited network 262-01 over GSM
      Then the registration is rejected with "roamingNotAllowed"
      And the metric "roamsim_registrations_total" with labels "outcome=rejected,visited_plmn=262-01" increased by 1
      And the metric "roamsim_registrations_total" with labels "outcome=accepted" increased by 0
      And the metric "roamsim_procedures_total" with labels "procedure=UpdateLocation,result=roamingNotAllowed" increased by 1
      And the metric "roamsim_procedures_total" with labels "procedure=UpdateLocation,result=ok" increased by 0

    Scenario: A refusal over LTE counts a refused Update-Location by its Diameter name
      When the subscriber attaches to visited network 440-10 over LTE
      Then the registration is rejected with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"
      And the metric "roamsim_registrations_total" with labels "outcome=rejected,visited_plmn=440-10,rat=LTE" increased by 1
      And the metric "roamsim_procedures_total" with labels "procedure=Update-Location,visited_plmn=440-10,result=DIAMETER_ERROR_ROAMING_NOT_ALLOWED" increased by 1

  Rule: The registered-subscribers gauge follows attach and detach

    Scenario: Attach raises the gauge and detach brings it back
      Given home network 234-15 has a roaming agreement with 262-01
      When the subscriber attaches to visited network 262-01 over UMTS
      Then the registration is accepted
      And the metric "roamsim_registered_subscribers" with labels "" increased by 1
      When the subscriber detaches
      Then the metric "roamsim_registered_subscribers" with labels "" increased by 0
      And the metric "roamsim_procedures_total" with labels "procedure=PurgeMS,result=ok" increased by 1
