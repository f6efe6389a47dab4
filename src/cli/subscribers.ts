import { loadConfig, parseSeed } from '../config/load';
import { InputError } from '../errors';
import { formatPlmn, parsePlmn } from '../protocol/plmn';
import { SubscriberGenerator } from '../subscribers/generator';
import { type CliIo, EXIT, defaultIo, parseFlags } from './io';

const USAGE = `Usage: roamsim subscribers --home MCC-MNC --count N [--seed S] [--profile P] [--offset I] [--reveal-keys]

Prints synthetic subscribers of a home network as CSV: index, imsi, msisdn, home_plmn, profile and, only
with --reveal-keys, ki and opc (derived from ROAMSIM_KI_SECRET / ROAMSIM_OP and the seed).
The same seed always gives the same subscribers (ROAMSIM_SEED, else the config's seed).`;

export async function run(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const parsed = parseFlags(
    'subscribers',
    argv,
    {
      home: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      profile: { type: 'string', default: 'postpaid' },
      offset: { type: 'string', default: '0' },
      'reveal-keys': { type: 'boolean', default: false },
    },
    USAGE,
    io,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  if (!values.home) throw new InputError('', '--home', 'the home network as MCC-MNC, e.g. --home 234-15');
  const home = parsePlmn(values.home, '--home');
  const count = wholeNumber(values.count, '--count', 1, 10_000_000);
  const offset = wholeNumber(values.offset, '--offset', 0, Number.MAX_SAFE_INTEGER);
  const config = loadConfig();
  if (!config.profiles[values.profile]) throw new InputError(values.profile, '--profile', `one of ${Object.keys(config.profiles).join(', ')}`);
  const seed = values.seed === undefined ? config.seed : parseSeed(values.seed, '--seed');
  const network = config.networks.find((candidate) => candidate.plmn === formatPlmn(home));
  const generator = new SubscriberGenerator(home, network, seed, config.secrets.kiSecret, config.secrets.op);
  if (offset + count > generator.capacity) {
    throw new InputError(String(count), '--count', `at most ${generator.capacity - offset} (the number ranges of ${formatPlmn(home)} hold ${generator.capacity} subscribers)`);
  }
  const reveal = values['reveal-keys'];
  io.out(['index', 'imsi', 'msisdn', 'home_plmn', 'profile', ...(reveal ? ['ki', 'opc'] : [])].join(','));
  for (let index = offset; index < offset + count; index++) {
    const identity = generator.identity(index, values.profile);
    const row = [index, identity.imsi, identity.msisdn, identity.homePlmn, identity.profile];
    if (reveal) {
      const keys = generator.keys(identity.imsi);
      row.push(keys.ki.toString('hex'), keys.opc.toString('hex'));
    }
    io.out(row.join(','));
  }
  return EXIT.ok;
}

function wholeNumber(text: string | undefined, flag: string, min: number, max: number): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError(text ?? '', flag, `a whole number from ${min} to ${max}`);
  }
  return Number(text);
}
