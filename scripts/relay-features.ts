/**
 * The feature suite in wire mode through a real Diameter Edge Agent: renders the freeDiameter configuration
 * (deploy/diameter) for every PLMN the configuration and the features name, starts freeDiameterd, runs
 * `cucumber-js --profile test` with ROAMSIM_MODE=wire and a copy of the configuration that adds the agent
 * under `diameter_agents` (so every MME and HSS connects to it and S6a goes MME → DEA → HSS → DEA → MME),
 * stops the agent and fails when its log has a parse, routing or CER error. Scenarios tagged @silent-hss are
 * left out: a request the HSS never answers stays pending in the agent (freeDiameter has no relay timeout)
 * and, when the HSS disconnects at the scenario's end, the agent re-routes it with the T bit, finds no other
 * HSS and logs a routing error, which is the agent doing its job, not a message of ours it could not route.
 * Must run inside the relay's
 * network namespace: `scripts/in-netns.sh node --require ./support/register.js scripts/relay-features.ts [paths]`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load';
import { DEA_IDENTITY, DEA_REALM, hssIdentity, relayUnavailable, renderRelayConfig, startRelay } from '../tests/relay/freediameter';

const PORT = 3868;
const root = path.resolve(__dirname, '..');

function featureTexts(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return featureTexts(full);
    return name.endsWith('.feature') ? [readFileSync(full, 'utf8')] : [];
  });
}

async function main(): Promise<number> {
  const problem = relayUnavailable();
  if (problem) {
    console.error(`relay features: ${problem}`);
    return 1;
  }
  const config = loadConfig();
  const texts = featureTexts(path.join(root, 'features'));
  const mentioned = texts.flatMap((t) => [...t.matchAll(/\b(\d{3}-\d{2,3})\b/g)].map((m) => m[1] as string));
  const homes = new Set([...config.networks.map((n) => n.plmn), ...config.agreements.map((a) => a.home), ...texts.flatMap((t) => [...t.matchAll(/home network (\d{3}-\d{2,3})/g)].map((m) => m[1] as string))]);
  const plmns = new Set([...config.networks.map((n) => n.plmn), ...config.agreements.map((a) => a.visited), ...homes, ...mentioned]);
  const firstHome = config.networks.find((n) => !n.hss)?.plmn;
  if (!firstHome) throw new Error('relay features: the configuration has no embedded home network to serve the HSS');
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-relay-'));
  try {
    // Every realm the run may use as a home goes to the one embedded HSS server (scenario tables name homes
    // as `<home>`, so every PLMN mentioned is routed); Destination-Host still wins for CLR/IDR to an MME.
    const routed = new Set([...homes, ...plmns]);
    const conf = renderRelayConfig({ dir, port: PORT, plmns: [...plmns], homes: [...routed].map((plmn) => ({ plmn, hssPeer: hssIdentity(firstHome) })) });
    const relay = await startRelay(conf, PORT);
    console.log(`relay features: freeDiameterd (pid ${relay.pid}) listening on 127.0.0.1:${PORT}, ${plmns.size} realms allowed, ${routed.size} realms routed to the HSS`);
    const configCopy = path.join(dir, 'roaming.yaml');
    writeFileSync(configCopy, `${readFileSync(config.file, 'utf8')}\ndiameter_agents:\n  - { host: ${DEA_IDENTITY}, realm: ${DEA_REALM}, address: "127.0.0.1:${PORT}" }\n`);
    const paths = process.argv.slice(2);
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '--profile', 'test', '--tags', 'not @silent-hss', ...paths], {
        cwd: root,
        env: { ...process.env, ROAMSIM_MODE: 'wire', ROAMSIM_CONFIG: configCopy, ROAMSIM_REPORTS_DIR: path.join(dir, 'reports') },
        stdio: 'inherit',
      });
      child.once('exit', (exitCode) => resolve(exitCode ?? 1));
    });
    const exitCode = await relay.stop();
    const log = relay.log();
    const problems = relay.problems();
    const opened = (log.match(/STATE_OPEN/g) ?? []).length;
    console.log(`relay features: freeDiameterd exited ${exitCode}; ${opened} peer connections reached STATE_OPEN; ${problems.length} problem lines`);
    for (const line of problems.slice(0, 20)) console.log(`relay features: freeDiameterd: ${line}`);
    if (problems.length > 0 || opened === 0 || exitCode !== 0) {
      const kept = path.join(root, 'reports', 'freediameter-relay.log');
      mkdirSync(path.dirname(kept), { recursive: true });
      writeFileSync(kept, log);
      console.log(`relay features: the agent log is in ${path.relative(root, kept)}`);
      return 1;
    }
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`relay features: ${(error as Error).message}`);
    process.exit(1);
  },
);
