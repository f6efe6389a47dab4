import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import YAML from 'yaml';
import { ConfigError, InputError } from '../errors';
import { formatPlmn, parsePlmn } from '../protocol/plmn';
import { parseRat, type Rat } from '../protocol/rat';
import {
  ACCESS_RESTRICTIONS,
  BEARER_SERVICES,
  DEFAULT_SUBSCRIPTION,
  NETWORK_ACCESS_MODES,
  ODB_CATEGORIES,
  PDN_TYPES,
  SUPPLEMENTARY_SERVICES,
  TELESERVICES,
  type Ambr,
  type ApnSubscription,
  type SubscriptionProfile,
} from '../elements/subscription';
import { parseTariffsConfig } from '../billing/tariffs';

export interface NumberRange {
  readonly from: string;
  readonly to: string;
}

export interface NetworkConfig {
  readonly plmn: string;
  readonly name: string;
  readonly tadig: string;
  /** MSIN range (the IMSI digits after MCC+MNC). */
  readonly imsiRange?: NumberRange;
  /** E.164 digits without '+'. */
  readonly msisdnRange?: NumberRange;
  /** Which element implementation serves this PLMN's HLR/HSS and VLR/MME (`embedded` when absent). */
  readonly elements?: string;
  /** A real HLR serving this home network over GSUP (`hlr:` in the YAML); `elements` is then `osmo-hlr`. */
  readonly hlr?: ExternalHlrConfig;
  /** An external HSS reached over Diameter (`hss: { diameter, host, realm }`); absent: the embedded one. */
  readonly hss?: DiameterPeerConfig;
}

/** `networks[].hlr: { gsup: "127.0.0.1:4222", provision: "osmo-ctrl://127.0.0.1:4259" }`. */
export interface ExternalHlrConfig {
  readonly gsup: { readonly host: string; readonly port: number };
  /** How roamsim creates, bars and deletes subscribers in it: osmo-hlr's CTRL interface. */
  readonly provision: { readonly kind: 'osmo-ctrl'; readonly host: string; readonly port: number };
}

/** A Diameter peer: its identity, realm and TCP address. */
export interface DiameterPeerConfig {
  readonly host: string;
  readonly realm: string;
  readonly address: string;
  readonly port: number;
}

export interface AgreementConfig {
  readonly home: string;
  readonly visited: string;
  readonly rats: readonly Rat[];
  readonly zone?: string;
  /** service → price text (`EUR 0.0020`), parsed by the billing module. */
  readonly tariffs?: Readonly<Record<string, string>>;
}

export interface ZoneConfig {
  readonly name: string;
  readonly retail: 'free' | 'charged';
  readonly mccs: readonly string[];
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly backoffFactor: number;
  readonly maxBackoffMs: number;
  readonly jitter: 'full' | 'none';
  readonly requestTimeoutMs: number;
}

export interface Secrets {
  readonly kiSecret: string;
  readonly op: Buffer;
  readonly adminToken: string;
  /** ROAMSIM_AUDIT_KEY: the audit trail's HMAC key; undefined gives an unkeyed trail (the run says so). */
  readonly auditKey?: string;
  /** True when no .env was found and the documented test defaults are in use. */
  readonly defaults: boolean;
}

/** A subscriber profile: whether it may roam, and the subscription data its home network sends (defaults apply). */
export interface ProfileConfig {
  readonly roaming: boolean;
  readonly subscription: SubscriptionProfile;
}

export interface RoamingConfig {
  readonly file: string;
  readonly seed: number;
  readonly networks: readonly NetworkConfig[];
  readonly agreements: readonly AgreementConfig[];
  readonly zones: readonly ZoneConfig[];
  readonly profiles: Readonly<Record<string, ProfileConfig>>;
  readonly retry: RetryPolicy;
  readonly simulation: { readonly linkLatencyMs: number; readonly processingMs: number; /** Each one-way transit varies by ± half this share of link_latency_ms (0: constant). */ readonly latencyJitter: number };
  readonly endpoints: { readonly host: string; readonly hlrHssPort: number; readonly vlrMmePort: number; readonly readyTimeoutMs: number };
  readonly secrets: Secrets;
  /** Audit trail: files dated more than retentionDays back are deleted at the start of a run (default 30). */
  readonly audit: { readonly retentionDays: number };
  /** Diameter agents between realms (`diameter_agents`), e.g. a DEA on the IPX path; empty: peers connect directly. */
  readonly diameterAgents: readonly DiameterPeerConfig[];
  /** Diameter peers roamsim makes (`diameter:`): Tw, the watchdog interval (RFC 3539: at least 6 s; default 30 s). */
  readonly diameter: { readonly watchdogMs: number };
}

/** RFC 3539 §3.4.1: Tw SHOULD NOT be set below 6 s. */
export const MIN_WATCHDOG_MS = 6000;
export const DEFAULT_WATCHDOG_MS = 30_000;

/** Documented defaults for a fresh clone without `.env`: lab-only, never for real subscribers. */
export const DEFAULT_SECRETS = {
  ROAMSIM_KI_SECRET: 'roamsim-default-lab-secret',
  ROAMSIM_OP: 'cdc202d5123e20f62b6d676ac72cb318',
  ROAMSIM_ADMIN_TOKEN: 'roamsim-default-admin-token',
} as const;

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  initialBackoffMs: 200,
  backoffFactor: 2,
  maxBackoffMs: 5000,
  jitter: 'full',
  requestTimeoutMs: 2000,
};

const BUILTIN_PROFILES: Record<string, ProfileConfig> = { postpaid: { roaming: true, subscription: DEFAULT_SUBSCRIPTION }, prepaid: { roaming: true, subscription: DEFAULT_SUBSCRIPTION } };

/** The package's own folder (two levels above src/config, also from dist/src/config). */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** `config/roaming.yaml` of the working directory, else the package's default (and says so once). */
function defaultConfigFile(announce?: (message: string) => void): string {
  const own = path.resolve('config', 'roaming.yaml');
  if (existsSync(own)) return own;
  const shipped = path.join(packageRoot(), 'config', 'roaming.yaml');
  if (shipped !== own) {
    (announce ?? ((message) => process.stderr.write(`${message}\n`)))(`roamsim: no config/roaming.yaml in ${process.cwd()}; using the package default ${shipped} (set ROAMSIM_CONFIG or run "npx roamsim init")`);
  }
  return shipped;
}

/**
 * Reads `.env` (without overriding variables already set), then the YAML with `${VAR}` / `${VAR:-default}`
 * resolved, then validates. Every problem is a ConfigError naming the file, the path and the expectation.
 */
export function loadConfig(
  options: { file?: string; envFile?: string; env?: NodeJS.ProcessEnv; announce?: (message: string) => void } = {},
): RoamingConfig {
  // A QA repository's own config/roaming.yaml and .env (in the working directory) win over the package's.
  const file = path.resolve(options.file ?? process.env.ROAMSIM_CONFIG ?? defaultConfigFile(options.announce));
  const envFile = options.envFile ?? path.resolve('.env');
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  const envText = readConfigFile(envFile, true);
  const hasEnvFile = envText !== undefined;
  // Where ROAMSIM_OP came from, for the error that names it: the environment wins over .env.
  const opSource = env.ROAMSIM_OP !== undefined ? 'environment' : envFile;
  const kiSource = env.ROAMSIM_KI_SECRET !== undefined ? 'environment' : envFile;
  if (envText !== undefined) {
    for (const [key, value] of Object.entries(parseDotenv(envText))) env[key] ??= value;
  }
  const secretsMissing = !env.ROAMSIM_KI_SECRET && !env.ROAMSIM_OP;
  for (const [key, value] of Object.entries(DEFAULT_SECRETS)) env[key] ??= value;
  if (secretsMissing) {
    (options.announce ?? ((message) => process.stderr.write(`${message}\n`)))(
      `roamsim: no ${hasEnvFile ? 'ROAMSIM_KI_SECRET/ROAMSIM_OP in .env' : '.env file'}; using the documented lab defaults (see .env.example)`,
    );
  }

  const text = readConfigFile(file, true);
  if (text === undefined) throw new ConfigError(file, '', 'file not found (set ROAMSIM_CONFIG or create config/roaming.yaml)');
  const document = parseYamlFile(text, file);
  const raw = resolveVariables(yamlToJs(document, file), file, '', env);
  return validate(raw, file, env, opSource, kiSource);
}

/**
 * Reads a config-like file (roaming.yaml, .env, a mix file) as UTF-8. A directory, a file that cannot be read
 * (permissions) or any other read error is a ConfigError naming the file and the OS error; a missing file is
 * undefined when `optional`, else an error.
 */
export function readConfigFile(file: string, optional: boolean): string | undefined {
  try {
    if (statSync(file).isDirectory()) throw new ConfigError(file, '', 'is a directory: expected a file');
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied): give the user running roamsim read access' : `cannot be read (${code ?? (error as Error).message})`;
    throw new ConfigError(file, '', reason);
  }
}

/** Caps how far YAML aliases may expand (a "billion laughs" file is refused, not expanded). */
const MAX_ALIAS_COUNT = 100;

/** Parses YAML text into a document; a syntax error is a ConfigError naming the line and column. */
export function parseYamlFile(text: string, file: string): YAML.Document.Parsed {
  const document = YAML.parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const line = first.linePos?.[0];
    throw new ConfigError(file, line ? `line ${line.line} column ${line.col}` : '', `invalid YAML: ${first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  return document;
}

/** The document as plain values; alias expansion beyond MAX_ALIAS_COUNT is a ConfigError, never a hang. */
export function yamlToJs(document: YAML.Document.Parsed, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new ConfigError(file, '', `YAML aliases expand too far (${(error as Error).message.split('\n')[0]}): expected plain values or a few aliases`);
  }
}

function resolveVariables(value: unknown, file: string, at: string, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
      const resolved = env[name] ?? fallback;
      if (resolved === undefined) throw new ConfigError(file, at, `\${${name}} is not set in the environment or .env and has no default (write \${${name}:-value})`);
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => resolveVariables(item, file, `${at}[${index}]`, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveVariables(item, file, at ? `${at}.${key}` : key, env)]));
  }
  return value;
}

/** One name from a table's keys, or a failure naming them all. */
function oneOf<T extends string>(node: Node, table: Readonly<Record<T, unknown>>): T {
  const value = node.string();
  if (!Object.prototype.hasOwnProperty.call(table, value)) return node.fail(`one of ${Object.keys(table).join(', ')}`);
  return value as T;
}

function listOf<T extends string>(profile: Node, key: string, table: Readonly<Record<T, unknown>>, fallback: readonly T[]): readonly T[] {
  return profile.has(key) ? profile.child(key).items().map((item) => oneOf(item, table)) : fallback;
}

function parseAmbr(node: Node): Ambr {
  return { ulBps: node.child('ul_bps').integer(0, 0xffffffff), dlBps: node.child('dl_bps').integer(0, 0xffffffff) };
}

/** A profile's subscription data (TS 29.272 Subscription-Data, TS 29.002 InsertSubscriberData); each key defaults. */
function parseSubscription(profile: Node): SubscriptionProfile {
  const d = DEFAULT_SUBSCRIPTION;
  const ambr = profile.has('ambr') ? parseAmbr(profile.child('ambr')) : d.ambr;
  const apns: readonly ApnSubscription[] = profile.has('apns')
    ? profile.child('apns').items().map((apn) => ({
        name: apn.child('name').string(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, 'an APN network identifier such as "internet" (TS 23.003 §9.1)'),
        pdnType: apn.has('pdn_type') ? oneOf(apn.child('pdn_type'), PDN_TYPES) : 'IPv4v6',
        qci: apn.has('qci') ? apn.child('qci').integer(1, 9) : 9,
        arpPriority: apn.has('arp_priority') ? apn.child('arp_priority').integer(1, 15) : 8,
        ambr: apn.has('ambr') ? parseAmbr(apn.child('ambr')) : ambr,
      }))
    : d.apns;
  if (apns.length === 0) profile.child('apns').fail('at least one APN (the first is the default context)');
  return {
    apns,
    ambr,
    networkAccessMode: profile.has('network_access_mode') ? oneOf(profile.child('network_access_mode'), NETWORK_ACCESS_MODES) : d.networkAccessMode,
    accessRestrictions: listOf(profile, 'access_restrictions', ACCESS_RESTRICTIONS, d.accessRestrictions),
    category: profile.has('category') ? profile.child('category').integer(0, 255) : d.category,
    teleservices: listOf(profile, 'teleservices', TELESERVICES, d.teleservices),
    bearerServices: listOf(profile, 'bearer_services', BEARER_SERVICES, d.bearerServices),
    supplementaryServices: listOf(profile, 'supplementary_services', SUPPLEMENTARY_SERVICES, d.supplementaryServices),
    odb: listOf(profile, 'odb', ODB_CATEGORIES, d.odb),
  };
}

/** A cursor over the parsed YAML that knows its own path, so every error can name it. */
class Node {
  constructor(
    readonly value: unknown,
    readonly file: string,
    readonly at: string,
  ) {}

  fail(expected: string): never {
    const shown = this.value === undefined ? 'missing' : `${JSON.stringify(this.value)} is not valid`;
    throw new ConfigError(this.file, this.at, `${shown}: expected ${expected}`);
  }

  child(key: string): Node {
    const object = this.object();
    return new Node(object[key], this.file, this.at ? `${this.at}.${key}` : key);
  }

  has(key: string): boolean {
    return this.object()[key] !== undefined && this.object()[key] !== null;
  }

  object(): Record<string, unknown> {
    if (this.value && typeof this.value === 'object' && !Array.isArray(this.value)) return this.value as Record<string, unknown>;
    return this.fail('a mapping');
  }

  items(): Node[] {
    if (!Array.isArray(this.value)) return this.fail('a list');
    return this.value.map((item, index) => new Node(item, this.file, `${this.at}[${index}]`));
  }

  string(pattern?: RegExp, expected = 'a string'): string {
    const value = typeof this.value === 'number' ? String(this.value) : this.value;
    if (typeof value !== 'string' || value.length === 0 || (pattern && !pattern.test(value))) return this.fail(expected);
    return value;
  }

  integer(min: number, max: number): number {
    const value = typeof this.value === 'string' && /^-?\d+$/.test(this.value) ? Number(this.value) : this.value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return this.fail(`an integer from ${min} to ${max}`);
    return value;
  }

  number(min: number, max: number): number {
    const value = typeof this.value === 'string' && this.value.trim() !== '' ? Number(this.value) : this.value;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) return this.fail(`a number from ${min} to ${max}`);
    return value;
  }

  plmn(): string {
    const text = this.string(undefined, 'a PLMN as "MCC-MNC", e.g. "262-01"');
    try {
      return formatPlmn(parsePlmn(text, this.at));
    } catch {
      return this.fail('a PLMN as "MCC-MNC" with a 3-digit MCC and a 2- or 3-digit MNC, e.g. "262-01"');
    }
  }
}

function validate(raw: unknown, file: string, env: NodeJS.ProcessEnv, opSource: string, kiSource: string): RoamingConfig {
  const top = new Node(raw ?? {}, file, '');
  top.object();
  const seed = top.child('seed').integer(0, 2 ** 32 - 1);

  const networks = top.has('networks') ? top.child('networks').items().map((node) => validateNetwork(node)) : [];
  const seen = new Set<string>();
  networks.forEach((network, index) => {
    if (seen.has(network.plmn)) new Node(network.plmn, file, `networks[${index}].plmn`).fail('a PLMN listed once (it is listed twice)');
    seen.add(network.plmn);
  });

  const zones = top.has('zones')
    ? top.child('zones').items().map((node) => ({
        name: node.child('name').string(/^[a-z0-9-]+$/, 'a zone name of lowercase letters, digits and dashes'),
        retail: node.child('retail').string(/^(free|charged)$/, '"free" or "charged"') as 'free' | 'charged',
        mccs: node.child('mccs').items().map((mcc) => mcc.string(/^\d{3}$/, 'a 3-digit MCC')),
      }))
    : [];

  const agreements = top.has('agreements')
    ? top.child('agreements').items().map((node) => {
        const rats = node.child('rats').items();
        if (rats.length === 0) node.child('rats').fail('a non-empty list of RATs (GSM, UMTS, LTE)');
        const zone = node.has('zone') ? node.child('zone').string() : undefined;
        if (zone !== undefined && !zones.some((candidate) => candidate.name === zone)) {
          node.child('zone').fail(`one of the zones defined under zones: (${zones.map((z) => z.name).join(', ') || 'none defined'})`);
        }
        const tariffs = node.has('tariffs')
          ? Object.fromEntries(
              Object.keys(node.child('tariffs').object()).map((service) => [service, node.child('tariffs').child(service).string()]),
            )
          : undefined;
        if (node.has('tariffs')) {
          try {
            parseTariffsConfig(node.child('tariffs').value, node.child('tariffs').at);
          } catch (error) {
            if (error instanceof InputError) throw new ConfigError(file, error.source, `${JSON.stringify(error.value)} is not valid: expected ${error.expected}`);
            throw error;
          }
        }
        return {
          home: node.child('home').plmn(),
          visited: node.child('visited').plmn(),
          rats: rats.map((rat) => {
            try {
              return parseRat(rat.string(), rat.at);
            } catch (error) {
              if (error instanceof InputError) return rat.fail('one of GSM, UMTS, LTE');
              throw error;
            }
          }),
          ...(zone === undefined ? {} : { zone }),
          ...(tariffs === undefined ? {} : { tariffs }),
        };
      })
    : [];

  const agreementAt = new Map<string, number>();
  agreements.forEach((agreement, index) => {
    const key = `${agreement.home}|${agreement.visited}`;
    const first = agreementAt.get(key);
    if (first !== undefined) {
      throw new ConfigError(file, `agreements[${index}]`, `a second agreement for home ${agreement.home} and visited ${agreement.visited} (agreements[${first}] is the first): expected one agreement per pair; merge their RATs and tariffs`);
    }
    agreementAt.set(key, index);
  });

  const profiles: Record<string, ProfileConfig> = { ...BUILTIN_PROFILES };
  if (top.has('profiles')) {
    const node = top.child('profiles');
    for (const name of Object.keys(node.object())) {
      const profile = node.child(name);
      const roaming = profile.has('roaming') ? profile.child('roaming').value : true;
      profiles[name] = { roaming: typeof roaming === 'boolean' ? roaming : profile.child('roaming').fail('true or false'), subscription: parseSubscription(profile) };
    }
  }

  const retry = top.has('retry') ? validateRetry(top.child('retry')) : DEFAULT_RETRY;
  const simulation = top.has('simulation') ? top.child('simulation') : new Node({}, file, 'simulation');
  const audit = top.has('audit') ? top.child('audit') : new Node({}, file, 'audit');
  const diameter = top.has('diameter') ? top.child('diameter') : new Node({}, file, 'diameter');
  const endpoints = top.child('endpoints');

  if (env.ROAMSIM_KI_SECRET !== undefined && env.ROAMSIM_KI_SECRET.trim() === '') {
    throw new ConfigError(kiSource, 'ROAMSIM_KI_SECRET', 'is empty: expected the secret every subscriber\'s Ki is derived from (any non-empty text; see .env.example)');
  }
  const op = env.ROAMSIM_OP ?? '';
  if (!/^[0-9a-fA-F]{32}$/.test(op)) {
    throw new ConfigError(opSource, 'ROAMSIM_OP', `${JSON.stringify(op)} is not valid: expected 32 hexadecimal digits (the 128-bit OP)`);
  }
  return {
    file,
    seed: env.ROAMSIM_SEED !== undefined ? parseSeed(env.ROAMSIM_SEED) : seed,
    networks,
    agreements,
    zones,
    profiles,
    retry,
    simulation: {
      linkLatencyMs: simulation.has('link_latency_ms') ? simulation.child('link_latency_ms').integer(0, 60_000) : 12,
      processingMs: simulation.has('processing_ms') ? simulation.child('processing_ms').integer(0, 60_000) : 2,
      latencyJitter: simulation.has('latency_jitter') ? simulation.child('latency_jitter').number(0, 1) : 0,
    },
    endpoints: {
      host: endpoints.child('host').string(),
      hlrHssPort: endpoints.child('hlr_hss_port').integer(0, 65535),
      vlrMmePort: endpoints.child('vlr_mme_port').integer(0, 65535),
      readyTimeoutMs: endpoints.has('ready_timeout_ms') ? endpoints.child('ready_timeout_ms').integer(1, 600_000) : 5000,
    },
    secrets: {
      kiSecret: env.ROAMSIM_KI_SECRET ?? DEFAULT_SECRETS.ROAMSIM_KI_SECRET,
      op: Buffer.from(op, 'hex'),
      adminToken: env.ROAMSIM_ADMIN_TOKEN ?? DEFAULT_SECRETS.ROAMSIM_ADMIN_TOKEN,
      ...optional('auditKey', auditKeyOf(env, env.ROAMSIM_ADMIN_TOKEN ?? DEFAULT_SECRETS.ROAMSIM_ADMIN_TOKEN)),
      defaults: env.ROAMSIM_KI_SECRET === DEFAULT_SECRETS.ROAMSIM_KI_SECRET,
    },
    audit: {
      retentionDays: audit.has('retention_days') ? audit.child('retention_days').integer(0, 3650) : 30,
    },
    diameterAgents: top.has('diameter_agents') ? top.child('diameter_agents').items().map((node) => validateDiameterPeer(node, 'address')) : [],
    diameter: {
      // Below 6 s a busy peer's connection would be failed over for a slow DWA (RFC 3539 §3.4.1).
      watchdogMs: diameter.has('watchdog_ms') ? diameter.child('watchdog_ms').integer(MIN_WATCHDOG_MS, 3_600_000) : DEFAULT_WATCHDOG_MS,
    },
  };
}

const FQDN = /^(?=.{1,255}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** `{ host, realm, <addressKey>: "IPv4:port" }`: a Diameter identity and realm (FQDNs) and where to connect. */
function validateDiameterPeer(node: Node, addressKey: string): DiameterPeerConfig {
  const host = node.child('host').string(FQDN, 'a Diameter identity as a fully qualified domain name, e.g. "hss.epc.mnc015.mcc234.3gppnetwork.org"');
  const realm = node.child('realm').string(FQDN, 'a Diameter realm as a fully qualified domain name, e.g. "epc.mnc015.mcc234.3gppnetwork.org"');
  const where = node.child(addressKey);
  const text = where.string(undefined, 'an IPv4 address and TCP port, e.g. "127.0.0.1:3868"');
  const match = /^(.+):(\d{1,5})$/.exec(text);
  if (!match || !IPV4.test(match[1] as string)) return where.fail('an IPv4 address and TCP port, e.g. "127.0.0.1:3868"');
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return where.fail('a TCP port from 1 to 65535 after the address, e.g. "127.0.0.1:3868"');
  return { host, realm, address: match[1] as string, port };
}

/** Shortest ROAMSIM_AUDIT_KEY accepted: 128 bits as 32 hex digits or 22+ base64 characters, rounded up. */
export const AUDIT_KEY_MIN_LENGTH = 24;

/** ROAMSIM_AUDIT_KEY from an environment (already merged with .env): unset or blank → undefined (unkeyed). */
export function auditKeyOf(env: NodeJS.ProcessEnv, adminToken?: string): string | undefined {
  const key = env.ROAMSIM_AUDIT_KEY?.trim();
  if (!key) return undefined;
  if (key.length < AUDIT_KEY_MIN_LENGTH) {
    throw new ConfigError('ROAMSIM_AUDIT_KEY', '', `a key of ${key.length} characters is too short: expected at least ${AUDIT_KEY_MIN_LENGTH} (e.g. \`openssl rand -hex 32\`)`);
  }
  if (adminToken !== undefined && key === adminToken) {
    throw new ConfigError('ROAMSIM_AUDIT_KEY', '', 'is the same as ROAMSIM_ADMIN_TOKEN: the audit key must be a separate secret (whoever holds the admin token must not be able to re-seal the trail)');
  }
  return key;
}

/** ROAMSIM_AUDIT_KEY for tools that need no roaming.yaml (`roamsim audit verify`): environment, then .env. */
export function readAuditKey(env: NodeJS.ProcessEnv = process.env, envFile = path.join(path.resolve(__dirname, '..', '..'), '.env')): string | undefined {
  const merged: NodeJS.ProcessEnv = { ...env };
  if (merged.ROAMSIM_AUDIT_KEY === undefined) {
    const text = readConfigFile(envFile, true);
    if (text !== undefined) merged.ROAMSIM_AUDIT_KEY = parseDotenv(text).ROAMSIM_AUDIT_KEY;
  }
  return auditKeyOf(merged);
}

export function parseSeed(text: string, source = 'ROAMSIM_SEED'): number {
  if (!/^\d{1,10}$/.test(text.trim()) || Number(text) > 2 ** 32 - 1) throw new InputError(text, source, 'an integer from 0 to 4294967295');
  return Number(text);
}

function validateNetwork(node: Node): NetworkConfig {
  const plmn = node.child('plmn').plmn();
  const mccMnc = plmn.replace('-', '');
  const range = (key: string, digits: (from: string) => string | undefined): NumberRange | undefined => {
    if (!node.has(key)) return undefined;
    const from = node.child(key).child('from').string(/^\d+$/, 'a string of digits');
    const to = node.child(key).child('to').string(/^\d+$/, 'a string of digits');
    if (from.length !== to.length) node.child(key).child('to').fail(`as many digits as "from" (${from.length})`);
    if (BigInt(to) < BigInt(from)) node.child(key).child('to').fail(`a number not below "from" (${from})`);
    const problem = digits(from);
    if (problem) node.child(key).child('from').fail(problem);
    return { from, to };
  };
  return {
    plmn,
    name: node.child('name').string(),
    tadig: node.child('tadig').string(/^[A-Z]{3}[A-Z0-9]{2}$/, 'a 5-character TADIG code: ISO 3166 alpha-3 country + 2 operator characters, e.g. "DEUD1"'),
    ...optional('imsiRange', range('imsi_range', (from) =>
      mccMnc.length + from.length > 15 ? `an MSIN range that keeps the IMSI within 15 digits (MCC+MNC ${mccMnc} + ${from.length} digits = ${mccMnc.length + from.length})`
      : mccMnc.length + from.length < 14 ? `an MSIN range giving a 14- or 15-digit IMSI (MCC+MNC ${mccMnc} + ${from.length} digits)` : undefined)),
    ...optional('msisdnRange', range('msisdn_range', (from) =>
      from.length > 15 || from.length < 8 ? 'an E.164 number of 8 to 15 digits (country code first, no "+")' : undefined)),
    // A real HLR named by address is served by the osmo-hlr implementation unless `elements` says otherwise.
    ...optional('elements', node.has('elements') ? node.child('elements').string(/^[a-z][a-z0-9-]*$/, 'the name of an element implementation, e.g. "embedded"') : node.has('hlr') ? 'osmo-hlr' : undefined),
    ...optional('hlr', node.has('hlr') ? validateExternalHlr(node.child('hlr')) : undefined),
    ...optional('hss', !node.has('hss') || node.child('hss').value === 'embedded' ? undefined : validateDiameterPeer(node.child('hss'), 'diameter')),
  };
}

function validateExternalHlr(node: Node): ExternalHlrConfig {
  const gsup = node.child('gsup').string(/^[^\s:]+:\d{1,5}$/, 'HOST:PORT of the HLR\'s GSUP server, e.g. "127.0.0.1:4222"');
  const [host, port] = [gsup.slice(0, gsup.lastIndexOf(':')), Number(gsup.slice(gsup.lastIndexOf(':') + 1))];
  if (port < 1 || port > 65535) node.child('gsup').fail('a TCP port from 1 to 65535');
  const provision = node.child('provision').string(/^osmo-ctrl:\/\/[^\s:/]+:\d{1,5}\/?$/, 'osmo-ctrl://HOST:PORT (osmo-hlr\'s CTRL interface), e.g. "osmo-ctrl://127.0.0.1:4259"');
  const match = /^osmo-ctrl:\/\/([^:/]+):(\d+)/.exec(provision) as RegExpExecArray;
  if (Number(match[2]) < 1 || Number(match[2]) > 65535) node.child('provision').fail('a TCP port from 1 to 65535');
  return { gsup: { host, port }, provision: { kind: 'osmo-ctrl', host: match[1], port: Number(match[2]) } };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function validateRetry(node: Node): RetryPolicy {
  const get = <T>(key: string, read: (child: Node) => T, fallback: T): T => (node.has(key) ? read(node.child(key)) : fallback);
  return {
    maxAttempts: get('max_attempts', (n) => n.integer(1, 20), DEFAULT_RETRY.maxAttempts),
    initialBackoffMs: get('initial_backoff_ms', (n) => n.integer(0, 600_000), DEFAULT_RETRY.initialBackoffMs),
    backoffFactor: get('backoff_factor', (n) => n.number(1, 10), DEFAULT_RETRY.backoffFactor),
    maxBackoffMs: get('max_backoff_ms', (n) => n.integer(0, 3_600_000), DEFAULT_RETRY.maxBackoffMs),
    jitter: get('jitter', (n) => n.string(/^(full|none)$/, '"full" or "none"') as 'full' | 'none', DEFAULT_RETRY.jitter),
    requestTimeoutMs: get('request_timeout_ms', (n) => n.integer(1, 600_000), DEFAULT_RETRY.requestTimeoutMs),
  };
}
