import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/cli/init';
import { checkCucumberVersion } from '../../support/cucumber-version';

const work = mkdtempSync(path.join(tmpdir(), 'roamsim-init-'));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

test('init scaffolds a QA repository and adds scripts to an existing package.json without replacing any', async () => {
  const dir = path.join(work, 'fresh');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'qa', scripts: { lint: 'eslint .' } }));
  const { io, out } = capture();
  assert.equal(await run([dir], io), 0);
  for (const file of ['features/registration/home-network.feature', 'features/billing/data.feature', 'steps/custom.js', 'config/roaming.yaml', '.env.example', 'cucumber.js', 'Makefile', '.gitignore', 'README.md']) {
    assert.ok(existsSync(path.join(dir, file)), `${file} written`);
  }
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  assert.equal(manifest.scripts.lint, 'eslint .', 'an existing script is kept');
  assert.equal(manifest.scripts.simulate, 'cucumber-js');
  const readme = readFileSync(path.join(dir, 'README.md'), 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  assert.equal(readme.length, 5, 'a README of five lines under its title');
  assert.match(out.join('\n'), /wrote \d+ files/);
});

test('init refuses to overwrite existing files and names them, unless --force', async () => {
  const dir = path.join(work, 'existing');
  mkdirSync(path.join(dir, 'features', 'billing'), { recursive: true });
  writeFileSync(path.join(dir, 'cucumber.js'), '// mine\n');
  writeFileSync(path.join(dir, 'features', 'billing', 'data.feature'), 'Feature: mine\n');
  const refused = capture();
  assert.equal(await run([dir], refused.io), 2);
  assert.match(refused.err.join('\n'), /already has cucumber\.js, .*features\/billing\/data\.feature.*nothing was written \(--force overwrites them\)/);
  assert.equal(readFileSync(path.join(dir, 'cucumber.js'), 'utf8'), '// mine\n');
  assert.ok(!existsSync(path.join(dir, 'Makefile')), 'nothing written');
  const forced = capture();
  assert.equal(await run([dir, '--force'], forced.io), 0);
  assert.notEqual(readFileSync(path.join(dir, 'cucumber.js'), 'utf8'), '// mine\n');
});

test('init refuses a path that is a file, a package.json that is not JSON, and two folders', async () => {
  const file = path.join(work, 'a-file');
  writeFileSync(file, 'x');
  const asFile = capture();
  assert.equal(await run([file], asFile.io), 2);
  assert.match(asFile.err.join('\n'), /a-file is a file, not a folder/);

  const broken = path.join(work, 'broken');
  mkdirSync(broken);
  writeFileSync(path.join(broken, 'package.json'), '{ nope');
  const badJson = capture();
  assert.equal(await run([broken], badJson.io), 2);
  assert.match(badJson.err.join('\n'), /broken\/package\.json is not valid JSON/);

  const two = capture();
  assert.equal(await run(['a', 'b'], two.io), 2);
  assert.match(two.err.join('\n'), /one folder at most/);
});

test('init into a read-only folder is refused naming it', { skip: process.getuid?.() === 0 ? 'runs as root: a 0555 folder is still writable for root' : false }, async () => {
  const dir = path.join(work, 'read-only');
  mkdirSync(dir, { mode: 0o555 });
  const { io, err } = capture();
  assert.equal(await run([dir], io), 2);
  assert.match(err.join('\n'), /cannot write in .*read-only/);
});

test('an unsupported Cucumber major is refused at load time naming the supported range', () => {
  assert.throws(() => checkCucumberVersion('13.0.1'), /@cucumber\/cucumber 13\.0\.1 is installed; roamsim supports >=12\.0\.0 <13\.0\.0/);
  assert.throws(() => checkCucumberVersion('11.3.0'), /11\.3\.0/);
  assert.doesNotThrow(() => checkCucumberVersion('12.9.0'));
});

test("config/roaming.yaml and .env come from the working directory; a bad one is named; without one the package's default is named", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadConfig } = require('../../src/config/load') as typeof import('../../src/config/load');
  const home = process.cwd();
  const consumer = path.join(work, 'consumer');
  mkdirSync(path.join(consumer, 'config'), { recursive: true });
  const env = { ...process.env };
  delete env.ROAMSIM_CONFIG;
  try {
    process.chdir(consumer);
    const announced: string[] = [];
    const fallback = loadConfig({ env, announce: (message) => announced.push(message) });
    assert.ok(fallback.networks.length > 0);
    assert.match(announced.join('\n'), /no config\/roaming\.yaml in .*consumer; using the package default .*config\/roaming\.yaml/);

    writeFileSync(path.join(consumer, 'config', 'roaming.yaml'), 'seed: [not a number\n');
    const saved = process.env.ROAMSIM_CONFIG;
    delete process.env.ROAMSIM_CONFIG;
    try {
      assert.throws(() => loadConfig({ env, announce: () => undefined }), (error: Error) => error.message.includes(path.join(consumer, 'config', 'roaming.yaml')));
    } finally {
      if (saved !== undefined) process.env.ROAMSIM_CONFIG = saved;
    }
  } finally {
    process.chdir(home);
  }
});
