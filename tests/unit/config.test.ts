import { after, test } from 'node:test';
import { DEFAULT_SUBSCRIPTION } from '../../src/elements/subscription';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_RETRY, loadConfig } from '../../src/config/load';
import { ConfigError } from '../../src/errors';

const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = { ROAMSIM_KI_SECRET: 'unit-test-secret', ROAMSIM_OP: '00112233445566778899aabbccddeeff' };

const VALID = `
seed: 42
networks:
  - plmn: "234-15"
    name: Vodafone UK
    tadig: GBRVF
    imsi_range: { from: "9900000000", to: "9909999999" }
    msisdn_range: { from: "447700900000", to: "447700900999" }
  - plmn: "310-260"
    name: T-Mobile USA
    tadig: USAW6
agreements:
  - home: "234-15"
    visited: "262-01"
    rats: [GSM, UMTS, LTE]
    zone: eu-rlah
    tariffs: { data: "EUR 0.0020" }
  - home: "234-15"
    visited: "310-260"
    rats: [UMTS, LTE]
  - home: "310-260"
    visited: "234-15"
    rats: [LTE]
zones:
  - name: eu-rlah
    retail: free
    mccs: ["262", "208"]
profiles:
  domestic-only: { roaming: false }
simulation:
  link_latency_ms: 10
endpoints:
  host: 127.0.0.1
  hlr_hss_port: 7401
  vlr_mme_port: 7402
`;

let fileCount = 0;

/** Writes the YAML to a fresh file in the temp dir and loads it with an explicit environment and no .env. */
function load(yaml: string, env: NodeJS.ProcessEnv = SECRETS, announce: (message: string) => void = () => undefined) {
  const file = path.join(dir, `roaming-${++fileCount}.yaml`);
  writeFileSync(file, yaml);
  return { file, config: () => loadConfig({ file, envFile: '/nonexistent', env, announce }) };
}

/** Asserts a ConfigError naming the file, the path inside it and the expectation. */
function assertConfigError(yaml: string, expected: { path: string | RegExp; problem: RegExp }, env: NodeJS.ProcessEnv = SECRETS) {
  const { file, config } = load(yaml, env);
  assert.throws(config, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.file, file);
    if (typeof expected.path === 'string') assert.equal(error.path, expected.path);
    else assert.match(error.path, expected.path);
    assert.match(error.problem, expected.problem);
    assert.ok(error.message.startsWith(`${file} at ${error.path}: `), `message names the file and the path: ${error.message}`);
    return true;
  });
}

test('no .env: the documented lab defaults are announced by each load (entry points load the config once)', () => {
  const messages: string[] = [];
  const { config } = load(VALID, {}, (message) => messages.push(message));
  const first = config();
  assert.deepEqual(messages, ['roamsim: no .env file; using the documented lab defaults (see .env.example)']);
  config();
  assert.equal(messages.length, 2);
  assert.equal(first.secrets.defaults, true);
  assert.equal(first.secrets.op.toString('hex'), 'cdc202d5123e20f62b6d676ac72cb318');
});

test('a valid file loads with its networks, agreements, zones, profiles and defaults', () => {
  const { file, config } = load(VALID);
  const loaded = config();
  assert.equal(loaded.file, file);
  assert.equal(loaded.seed, 42);
  assert.deepEqual(loaded.networks[0], {
    plmn: '234-15',
    name: 'Vodafone UK',
    tadig: 'GBRVF',
    imsiRange: { from: '9900000000', to: '9909999999' },
    msisdnRange: { from: '447700900000', to: '447700900999' },
  });
  assert.deepEqual(loaded.networks[1], { plmn: '310-260', name: 'T-Mobile USA', tadig: 'USAW6' });
  assert.deepEqual(loaded.agreements[0], { home: '234-15', visited: '262-01', rats: ['GSM', 'UMTS', 'LTE'], zone: 'eu-rlah', tariffs: { data: 'EUR 0.0020' } });
  assert.deepEqual(loaded.agreements[1].rats, ['UMTS', 'LTE']);
  assert.deepEqual(loaded.zones, [{ name: 'eu-rlah', retail: 'free', mccs: ['262', '208'] }]);
  assert.deepEqual(
    Object.fromEntries(Object.entries(loaded.profiles).map(([name, p]) => [name, { roaming: p.roaming }])),
    { postpaid: { roaming: true }, prepaid: { roaming: true }, 'domestic-only': { roaming: false } },
  );
  assert.deepEqual(loaded.profiles.postpaid.subscription, DEFAULT_SUBSCRIPTION);
  assert.deepEqual(loaded.retry, DEFAULT_RETRY);
  assert.deepEqual(loaded.simulation, { linkLatencyMs: 10, processingMs: 2, latencyJitter: 0 });
  assert.deepEqual(loaded.endpoints, { host: '127.0.0.1', hlrHssPort: 7401, vlrMmePort: 7402, readyTimeoutMs: 5000 });
  assert.equal(loaded.secrets.kiSecret, 'unit-test-secret');
  assert.equal(loaded.secrets.op.toString('hex'), '00112233445566778899aabbccddeeff');
  assert.equal(loaded.secrets.defaults, false);
});

test('${VAR} and ${VAR:-default} resolve from the environment given', () => {
  const yaml = VALID.replace('seed: 42', 'seed: ${RUN_SEED}')
    .replace('host: 127.0.0.1', 'host: ${MOCK_HOST:-10.1.2.3}')
    .replace('hlr_hss_port: 7401', 'hlr_hss_port: ${HLR_PORT:-7401}');
  const loaded = load(yaml, { ...SECRETS, RUN_SEED: '99', HLR_PORT: '9401' }).config();
  assert.equal(loaded.seed, 99);
  assert.equal(loaded.endpoints.host, '10.1.2.3');
  assert.equal(loaded.endpoints.hlrHssPort, 9401);
});

test('ROAMSIM_SEED in the environment overrides the seed in the file', () => {
  assert.equal(load(VALID, { ...SECRETS, ROAMSIM_SEED: '7' }).config().seed, 7);
});

test('a ${VAR} with no value and no default names the path and the remedy', () => {
  assertConfigError(VALID.replace('host: 127.0.0.1', 'host: ${MOCK_HOST}'), {
    path: 'endpoints.host',
    problem: /^\$\{MOCK_HOST\} is not set in the environment or \.env and has no default \(write \$\{MOCK_HOST:-value\}\)$/,
  });
});

test('invalid YAML names the line and column', () => {
  assertConfigError('seed: 1\nendpoints:\n  host: a\n   port: 2\n', { path: 'line 3 column 9', problem: /^invalid YAML: / });
});

test('a missing required key names its path', () => {
  assertConfigError(VALID.replace('  host: 127.0.0.1\n', ''), { path: 'endpoints.host', problem: /^missing: expected a string$/ });
  assertConfigError(VALID.replace('seed: 42\n', ''), { path: 'seed', problem: /^missing: expected an integer from 0 to 4294967295$/ });
});

test('a PLMN without the dash or with a 1-digit MNC is refused with the expected form', () => {
  assertConfigError(VALID.replace('plmn: "310-260"', 'plmn: "26201"'), {
    path: 'networks[1].plmn',
    problem: /^"26201" is not valid: expected a PLMN as "MCC-MNC" with a 3-digit MCC and a 2- or 3-digit MNC, e\.g\. "262-01"$/,
  });
  assertConfigError(VALID.replace('visited: "310-260"', 'visited: "262-1"'), { path: 'agreements[1].visited', problem: /^"262-1" is not valid: expected a PLMN as "MCC-MNC"/ });
  // Unquoted, YAML reads 26201 as a number; it is refused the same way.
  assertConfigError(VALID.replace('plmn: "234-15"', 'plmn: 23415'), { path: 'networks[0].plmn', problem: /^23415 is not valid: expected a PLMN as "MCC-MNC"/ });
});

test('an unknown RAT names the agreement and the list position', () => {
  assertConfigError(VALID.replace('rats: [LTE]', 'rats: [5G, LTE]'), { path: 'agreements[2].rats[0]', problem: /^"5G" is not valid: expected one of GSM, UMTS, LTE$/ });
  assertConfigError(VALID.replace('rats: [UMTS, LTE]', 'rats: []'), { path: 'agreements[1].rats', problem: /expected a non-empty list of RATs/ });
});

test('a zone that is not defined under zones is refused, listing the defined ones', () => {
  assertConfigError(VALID.replace('zone: eu-rlah', 'zone: world-1'), {
    path: 'agreements[0].zone',
    problem: /^"world-1" is not valid: expected one of the zones defined under zones: \(eu-rlah\)$/,
  });
});

test('an IMSI range that overflows 15 digits is refused with the digit count', () => {
  const yaml = VALID.replace('    tadig: USAW6\n', '    tadig: USAW6\n    imsi_range: { from: "9900000000", to: "9909999999" }\n');
  assertConfigError(yaml, {
    path: 'networks[1].imsi_range.from',
    problem: /^"9900000000" is not valid: expected an MSIN range that keeps the IMSI within 15 digits \(MCC\+MNC 310260 \+ 10 digits = 16\)$/,
  });
});

test('a range whose ends differ in length or run backwards is refused', () => {
  assertConfigError(VALID.replace('to: "447700900999"', 'to: "4477009009"'), { path: 'networks[0].msisdn_range.to', problem: /expected as many digits as "from" \(12\)/ });
  assertConfigError(VALID.replace('to: "9909999999"', 'to: "9800000000"'), { path: 'networks[0].imsi_range.to', problem: /expected a number not below "from" \(9900000000\)/ });
});

test('a network listed twice is refused at its second entry', () => {
  assertConfigError(VALID.replace('plmn: "310-260"', 'plmn: "234-15"'), { path: 'networks[1].plmn', problem: /^"234-15" is not valid: expected a PLMN listed once \(it is listed twice\)$/ });
});

test('a malformed TADIG code is refused with the expected shape', () => {
  assertConfigError(VALID.replace('tadig: GBRVF', 'tadig: gbr'), { path: 'networks[0].tadig', problem: /expected a 5-character TADIG code/ });
});

test('a ROAMSIM_OP that is not 32 hexadecimal digits is refused, naming the variable', () => {
  const { config } = load(VALID, { ...SECRETS, ROAMSIM_OP: 'not-hex' });
  assert.throws(config, (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.file, 'environment');
    assert.equal(error.path, 'ROAMSIM_OP');
    assert.equal(error.message, 'environment at ROAMSIM_OP: "not-hex" is not valid: expected 32 hexadecimal digits (the 128-bit OP)');
    return true;
  });
});

test('a missing file says how to point at one', () => {
  const file = path.join(dir, 'absent.yaml');
  assert.throws(() => loadConfig({ file, envFile: '/nonexistent', env: SECRETS }), {
    name: 'ConfigError',
    message: `${file}: file not found (set ROAMSIM_CONFIG or create config/roaming.yaml)`,
  });
});
