import { ConfigError } from '../errors';
import { DEFAULT_SECRETS } from './load';

/** Shorter tokens are refused off loopback: 32 characters of hex or base64 are 128 bits or more. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/**
 * Admin tokens anyone can read in the repository: the built-in default, the placeholders of `.env.example`
 * and `deploy/k8s/secret.yaml`, and the examples of the README. tests/unit/admin-token.test.ts reads those
 * files and fails when one of their values is missing here.
 */
export const DOCUMENTED_ADMIN_TOKENS: readonly string[] = [
  DEFAULT_SECRETS.ROAMSIM_ADMIN_TOKEN,
  'change-me-admin-token',
  'change-me-to-32-or-more-random-characters',
];

/** Addresses only this machine reaches: every server on them is safe with the documented default token. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** Why `token` must not guard a server other machines reach, or undefined when it may. Never echoes the token. */
export function adminTokenProblem(token: string): string | undefined {
  if (DOCUMENTED_ADMIN_TOKENS.includes(token)) return 'is a documented default or example value, readable by anyone in the repository';
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) return `is ${token.length} characters long, shorter than the ${MIN_ADMIN_TOKEN_LENGTH} required off loopback`;
  return undefined;
}

/**
 * Throws a ConfigError (exit 2) when a server with the admin endpoint would listen on `host`, not loopback,
 * behind a token that is documented or short. `source` says where the host came from.
 */
export function requireAdminTokenFor(host: string, token: string, source: string): void {
  if (isLoopback(host)) return;
  const problem = adminTokenProblem(token);
  if (problem === undefined) return;
  throw new ConfigError(
    'ROAMSIM_ADMIN_TOKEN (.env or environment)',
    '',
    `the admin token ${problem}; ${source} is ${host}, not loopback. Set ROAMSIM_ADMIN_TOKEN to a secret of ${MIN_ADMIN_TOKEN_LENGTH} or more random characters ` +
      `(e.g. \`openssl rand -hex 32\`), or serve 127.0.0.1 only`,
  );
}
