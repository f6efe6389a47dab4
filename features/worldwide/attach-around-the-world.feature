@worldwide
Feature: Registration around the world

  The same registration journey must work with every partner, whatever the continent, the length of the
  mobile network code (2 digits in Europe, 3 in North America) or the technology. These tables are the
  partner list product and roaming-sales people read; a new partner is one more row.

  **Two kinds of partner:**
  - Partners with an agreement in config/roaming.yaml (the networks the lab ships with).
  - Partners agreed in the scenario itself, including networks config/roaming.yaml does not list at all:
    their subscribers get synthetic identities derived from the country (MCC) of the network.

  Rule: Partners configured in config/roaming.yaml accept the subscriber without further set-up

    @critical @spec:TS29.002-8.1.2 @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.1.4
    Scenario Outline: A subscriber of <home> registers in configured partner <visited> over <rat>
      Given a "postpaid" subscriber from home network <home>
      When the subscriber attaches to visited network <visited> over <rat>
      Then the registration is accepted
      And the HLR/HSS records the subscriber in visited network <visited>
      And visited network <visited> holds a record of the subscriber

      @region:europe
      Examples: Europe
        | home   | visited | rat  |
        | 234-15 | 262-01  | GSM  |
        | 234-15 | 208-01  | UMTS |
        | 262-01 | 234-15  | LTE  |

      @region:americas
      Examples: Americas
        | home   | visited | rat  |
        | 234-15 | 310-260 | UMTS |
        | 234-15 | 310-260 | LTE  |

      @region:asia-pacific
      Examples: Asia-Pacific
        | home    | visited | rat |
        | 310-260 | 440-10  | LTE |

  Rule: Partners agreed in the scenario accept the subscriber, listed in the configuration or not

    @minor @spec:TS29.002-8.1.2 @spec:TS29.272-5.2.1.1 @ireg:IR.24-2.1.4
    Scenario Outline: A subscriber of <home> registers in <visited> (<country>) over <rat>
      Given home network <home> has a roaming agreement with <visited>
      And a "<profile>" subscriber from home network <home>
      When the subscriber attaches to visited network <visited> over <rat>
      Then the registration is accepted
      And the HLR/HSS records the subscriber in visited network <visited>
      And visited network <visited> holds a record of the subscriber

      @region:europe
      Examples: Europe
        | home   | visited | country     | rat  | profile  |
        | 234-15 | 222-10  | Italy       | GSM  | postpaid |
        | 262-01 | 204-08  | Netherlands | LTE  | business |
        | 214-07 | 208-01  | France      | UMTS | prepaid  |

      @region:americas
      Examples: Americas
        | home   | visited | country   | rat  | profile  |
        | 234-15 | 302-720 | Canada    | LTE  | postpaid |
        | 262-01 | 334-020 | Mexico    | UMTS | business |
        | 208-01 | 724-05  | Brazil    | GSM  | prepaid  |
        | 505-01 | 722-310 | Argentina | LTE  | postpaid |

      @region:asia-pacific
      Examples: Asia-Pacific
        | home   | visited | country        | rat  | profile  |
        | 234-15 | 450-05  | South Korea    | LTE  | postpaid |
        | 440-10 | 525-01  | Singapore      | UMTS | business |
        | 505-01 | 234-15  | United Kingdom | LTE  | prepaid  |
        | 460-00 | 454-00  | Hong Kong      | GSM  | postpaid |
