/**
 * A Then step's expectation about the network that did not hold (wrong cause, wrong charge, no record, a dead
 * letter): the product under test misbehaved. Reports tell it apart from a defect in roamsim or the
 * environment (any other error): Allure marks it *failed* rather than *broken* — its reporter recognises an
 * assertion by the error's name — and the JUnit report counts both as failures.
 */
export class RoamingAssertionError extends Error {
  override readonly name = 'AssertionError';
}
