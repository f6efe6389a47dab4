#!/usr/bin/env node
'use strict';
// Reads every capture of a feature run back with Wireshark's own dissectors.
//   node scripts/check-captures.js DIR                      every file: zero `_ws.expert || _ws.malformed` frames
//   node scripts/check-captures.js --raw DIR1 --scrubbed DIR2
//       no IMSI or MSISDN that the raw run (ROAMSIM_PCAP_SCRUB=false) wrote appears in the scrubbed run
// Prints "N passed, N failed" (one check per file) and exits non-zero on any failure.
const { execFile } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const path = require('node:path');

const TSHARK = process.env.TSHARK ?? '/usr/bin/tshark';

function pcaps(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? pcaps(full) : name.endsWith('.pcap') ? [full] : [];
  });
}

function tshark(file, filter, fields) {
  return new Promise((resolve, reject) => {
    const args = ['-r', file, ...(filter ? ['-Y', filter] : []), '-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-E', 'occurrence=a', '-E', 'aggregator=,'];
    execFile(TSHARK, args, { maxBuffer: 64 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout.split('\n').filter(Boolean))));
  });
}

async function pool(items, size, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  }));
  return results;
}

// Subscriber identities only: every IMSI, and the MSISDN where it travels as subscriber data (MAP ISD
// argument, S6a MSISDN AVP). Node addresses (VLR/HLR global titles) are also E.164 but identify no one.
async function identities(file) {
  const imsis = await tshark(file, 'e212.imsi', ['e212.imsi']);
  const msisdns = await tshark(file, '(gsm_old.invoke_element && gsm_old.localValue == 7) || diameter.MSISDN', ['e164.msisdn']);
  // The data path and its charging: GTP MSISDN IEs, Gy Subscription-Id-Data (IMSI and MSISDN), and the
  // sender of an MO-ForwardSM (sm-RP-OA, shown as the AddressString octets: 91 then the digits).
  const charging = await tshark(file, 'gtpv2 || gtp || diameter.Subscription-Id-Data', ['e164.msisdn', 'diameter.Subscription-Id-Data']);
  const sms = (await tshark(file, 'gsm_map.sm.msisdn', ['gsm_map.sm.msisdn'])).map((row) => row.replace(/^91/, ''));
  return [...imsis, ...msisdns, ...charging, ...sms].flatMap((row) => row.split(/[\t,]/)).filter((value) => /^\d{6,15}$/.test(value));
}

async function main() {
  if (!existsSync(TSHARK)) {
    console.log(`capture check skipped: ${TSHARK} is missing (scripts/setup-system.sh installs it)`);
    return 0;
  }
  const args = process.argv.slice(2);
  let passed = 0;
  let failed = 0;
  if (args[0] === '--raw') {
    const rawFiles = pcaps(args[1]);
    const scrubbedFiles = pcaps(args[3]);
    const raw = new Set((await pool(rawFiles, 4, identities)).flat());
    if (raw.size === 0) {
      console.error(`no identities found in the raw captures under ${args[1]}`);
      return 1;
    }
    const needles = [...raw].map((digits) => Buffer.from(digits, 'ascii'));
    const checked = await pool(scrubbedFiles, 4, async (file) => {
      const seen = new Set(await identities(file));
      const bytes = readFileSync(file);
      return { file, leaked: [...raw].filter((digits, i) => seen.has(digits) || bytes.includes(needles[i])) };
    });
    for (const { file, leaked } of checked) {
      if (leaked.length > 0) {
        failed++;
        console.error(`LEAK ${file}: ${leaked.length} raw identities (e.g. ${leaked[0].slice(0, 5)}…)`);
      } else passed++;
    }
    console.log(`scrub check: ${raw.size} raw identities, ${scrubbedFiles.length} scrubbed captures`);
  } else {
    const files = pcaps(args[0] ?? 'reports/pcap');
    if (files.length === 0) {
      console.error(`no captures under ${args[0] ?? 'reports/pcap'}`);
      return 1;
    }
    const results = await pool(files, 4, async (file) => ({ file, bad: await tshark(file, '_ws.expert || _ws.malformed', ['frame.number', '_ws.expert.message']) }));
    for (const { file, bad } of results) {
      if (bad.length > 0) {
        failed++;
        console.error(`EXPERT/MALFORMED ${file}: ${bad.slice(0, 3).join(' | ')}`);
      } else passed++;
    }
    console.log(`capture check: ${files.length} captures decoded by ${TSHARK}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
