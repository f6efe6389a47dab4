import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aesCmac, eia2, nasIntegrityKey } from '../../src/protocol/eia2';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

test('AES-CMAC: RFC 4493 §4 examples (empty, one block, 40 octets)', () => {
  const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
  assert.equal(aesCmac(key, Buffer.alloc(0)).toString('hex'), 'bb1d6929e95937287fa37d129b756746');
  assert.equal(aesCmac(key, hex('6bc1bee22e409f96e93d7e117393172a')).toString('hex'), '070a16b46b4d4144f79bdd9dd04a287c');
  assert.equal(aesCmac(key, hex('6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411')).toString('hex'), 'dfa66747de9ae63030ca32611497c827');
});

test('128-EIA2: TS 33.401 Annex C.2 test set 2 (64-bit message, downlink)', () => {
  assert.equal(eia2(hex('d3c5d592327fb11c4035c6680af8c6d1'), 0x398a59b4, 0x1a, 1, hex('484583d5afe082ae')).toString('hex'), 'b93787e6');
});

test('K_NASint: the low 128 bits of HMAC-SHA-256(KASME, 0x15 0x02 0x0001 0x02 0x0001), and KASME must be 32 octets', () => {
  const key = nasIntegrityKey(Buffer.alloc(32));
  assert.equal(key.length, 16);
  assert.notDeepEqual(key, nasIntegrityKey(Buffer.alloc(32, 1)));
  assert.throws(() => nasIntegrityKey(Buffer.alloc(16)), /KASME is 16 octets/);
});
