@billing @bad-input
Feature: Bad billing input is refused with a message naming it

  A tariff table or a usage that cannot be right stops the scenario with a message naming the row, the
  column and the value, and saying what was expected. The steps below show those messages as part of the
  product: "Then the tariff table below is refused with ..." parses the table exactly as "Given the roaming
  agreement between ... has these tariffs:" would and passes when it is refused with a message containing
  the text given; "Then a usage of ... is refused with ..." does the same for a usage.

  Refused tariff tables: a service other than data, voice or sms; a unit that is not the service's (MB,
  minute, message); a price without a currency, without the space after it, with a decimal comma, negative
  or with more than 6 decimals; a service priced twice; prices in two currencies (one agreement bills in
  one currency). Refused usage: a negative quantity, a unit that is not the service's, an unknown service,
  a service the agreement does not price.

  Rule: A malformed tariff table is refused, naming the row and the value

    @minor
    Scenario Outline: <problem>
      Then the tariff table below is refused with '<message>':
        | service   | unit   | price   |
        | <service> | <unit> | <price> |

      Examples: One bad row
        | problem                          | service | unit    | price          | message                                                                               |
        | an unknown service               | roaming | MB      | EUR 0.10       | row 1 service: "roaming" is not valid: expected one of data, voice, sms             |
        | no space after the currency      | voice   | minute  | EUR1,20        | row 1 price: "EUR1,20" is not valid: expected a space between the currency          |
        | no currency                      | data    | MB      | 1.20           | row 1 price: "1.20" is not valid: expected a currency code before the amount        |
        | a decimal comma                  | sms     | message | EUR 0,01       | row 1 price: "EUR 0,01" is not valid: expected a decimal point, not a comma         |
        | a negative price                 | data    | MB      | EUR -0.10      | row 1 price: "EUR -0.10" is not valid: expected an amount that is not negative      |
        | more than 6 decimals             | data    | MB      | EUR 0.0000001  | row 1 price: "EUR 0.0000001" is not valid: expected an amount with at most 6 decimals |
        | a unit that is not the service's | data    | GB      | EUR 0.10       | row 1 unit: "GB" is not valid: expected "MB" for data                               |

    @critical
    Scenario: Prices in two currencies within one agreement
      Then the tariff table below is refused with 'row 2 price: "EUR 0.04" is not valid: expected a price in USD like row 1':
        | service | unit    | price    |
        | data    | MB      | USD 0.10 |
        | voice   | minute  | EUR 0.04 |
        | sms     | message | EUR 0.01 |

    @minor
    Scenario: A service priced twice
      Then the tariff table below is refused with 'row 2 service: "data" is not valid: expected a service not already priced (row 1 prices data)':
        | service | unit | price    |
        | data    | MB   | EUR 0.10 |
        | data    | MB   | EUR 0.20 |

  Rule: A usage that cannot be measured is refused, naming the value

    Background:
      Given a "postpaid" subscriber from home network 234-15
      And the subscriber is registered in visited network 262-01 over LTE

    @critical
    Scenario: A negative quantity
      Then a usage of -5 MB of data is refused with 'usage of data quantity: "-5" is not valid: expected a whole number of MB that is not negative'
      And a usage of -1 message of sms is refused with 'usage of sms quantity: "-1" is not valid'

    @minor
    Scenario: A unit that is not the service's
      Then a usage of 5 GB of data is refused with 'usage of data unit: "GB" is not valid: expected "MB" for data'

    @minor
    Scenario: A service that does not exist
      Then a usage of 1 page of fax is refused with 'usage of fax service: "fax" is not valid: expected one of data, voice, sms'
