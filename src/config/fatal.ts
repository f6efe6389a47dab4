import { isUserError } from '../errors';

/**
 * For hosts that print a stack for any thrown error (Cucumber hooks): a configuration or input error is
 * printed once, as its message, and the process exits 2 (the CLI's status for a configuration error). Any
 * other error is rethrown untouched.
 */
export function orExitOnConfigError<T>(load: () => T, write: (text: string) => void = (text) => process.stderr.write(text), exit: (code: number) => never = (code) => process.exit(code)): T {
  try {
    return load();
  } catch (error) {
    if (!isUserError(error)) throw error;
    write(`roamsim: ${error.message}\n`);
    return exit(2);
  }
}
