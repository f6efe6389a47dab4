/**
 * BSSAP on the A interface (TS 48.008 §3.2, TS 48.006): BSSMAP for the BSC↔MSC procedures, DTAP for the
 * MS↔MSC layer 3 messages. Carried in SCCP to SSN 254.
 */
import { encodePlmnId, type Plmn } from './plmn';

export const BSSMAP_MESSAGE_TYPES = { cipherModeCommand: 0x53, cipherModeComplete: 0x55, completeLayer3Information: 0x57 } as const;

/** Permitted / chosen algorithm "no encryption" (A5/0): bit 1 of §3.2.2.10, value 1 of §3.2.2.44. */
const NO_ENCRYPTION = 0x01;

const bssmap = (body: Buffer): Buffer => Buffer.concat([Buffer.from([0x00, body.length]), body]);

/** DTAP (§3.1.1 of 48.006): discrimination 1, DLCI 0 (SAPI 0, main signalling link), length, the layer 3 message. */
export function dtap(l3: Buffer): Buffer {
  if (l3.length > 255) throw new RangeError(`DTAP of ${l3.length} octets exceeds 255`);
  return Buffer.concat([Buffer.from([0x01, 0x00, l3.length]), l3]);
}

/** Complete Layer 3 Information (§3.2.1.32): Cell Identifier (whole CGI) and the MS's first layer 3 message. */
export function completeLayer3Information(input: { plmn: Plmn; lac: number; cellId: number; l3: Buffer }): Buffer {
  const cell = Buffer.alloc(8);
  cell[0] = 0x00;
  encodePlmnId(input.plmn).copy(cell, 1);
  cell.writeUInt16BE(input.lac & 0xffff, 4);
  cell.writeUInt16BE(input.cellId & 0xffff, 6);
  return bssmap(Buffer.concat([Buffer.from([BSSMAP_MESSAGE_TYPES.completeLayer3Information, 0x05, cell.length]), cell, Buffer.from([0x17, input.l3.length]), input.l3]));
}

/** Cipher Mode Command (§3.2.1.30): Encryption Information with A5/0 (no encryption) permitted and no key. */
export function cipherModeCommand(): Buffer {
  return bssmap(Buffer.from([BSSMAP_MESSAGE_TYPES.cipherModeCommand, 0x0a, 0x01, NO_ENCRYPTION]));
}

/** Cipher Mode Complete (§3.2.1.31): Chosen Encryption Algorithm A5/0. */
export function cipherModeComplete(): Buffer {
  return bssmap(Buffer.from([BSSMAP_MESSAGE_TYPES.cipherModeComplete, 0x2c, NO_ENCRYPTION]));
}
