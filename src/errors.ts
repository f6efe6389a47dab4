/**
 * Errors that reach a person. Every one names the offending value, where it came from and what would be
 * right, so a CLI can print `message` alone and a failed step reads as a sentence.
 */
export class InputError extends Error {
  constructor(
    readonly value: string,
    readonly source: string,
    readonly expected: string,
  ) {
    super(`${source}: ${JSON.stringify(value)} is not valid: expected ${expected}`);
    this.name = 'InputError';
  }
}

/** A configuration problem: file, path inside it (e.g. `agreements[2].rats[0]`) and the expectation. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${file}${path ? ` at ${path}` : ''}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export function isUserError(error: unknown): error is InputError | ConfigError {
  return error instanceof InputError || error instanceof ConfigError;
}

/** A value as an error message shows it: strings as they are, anything else as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
