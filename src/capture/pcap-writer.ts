/**
 * Capture files: the classic pcap container and the Ethernet/IPv4/SCTP framing that lets one file
 * (one link type) carry both M3UA-borne MAP and Diameter S6a. Nothing is sent anywhere.
 */

import { hash32 } from '../subscribers/random';

export const LINKTYPE_ETHERNET = 1;

export interface PcapRecord {
  /** Milliseconds since the epoch (fractions kept to the microsecond). */
  readonly time: number;
  readonly data: Buffer;
}

const SNAPLEN = 262144;

/**
 * pcap 2.4, little-endian, microsecond timestamps: 24-octet global header, then per record a 16-octet
 * header (ts_sec, ts_usec, incl_len, orig_len) and the data. One allocation for the whole file.
 */
export function encodePcap(records: readonly PcapRecord[], linkType = LINKTYPE_ETHERNET): Buffer {
  let size = 24;
  for (const record of records) size += 16 + record.data.length;
  const out = Buffer.alloc(size);
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(SNAPLEN, 16);
  out.writeUInt32LE(linkType, 20);
  let offset = 24;
  for (const record of records) {
    const micros = Math.max(0, Math.round(record.time * 1000));
    out.writeUInt32LE(Math.floor(micros / 1e6) >>> 0, offset);
    out.writeUInt32LE(micros % 1e6, offset + 4);
    out.writeUInt32LE(record.data.length, offset + 8);
    out.writeUInt32LE(record.data.length, offset + 12);
    record.data.copy(out, offset + 16);
    offset += 16 + record.data.length;
  }
  return out;
}

// ---- CRC32c (RFC 4960 Appendix B; Castagnoli polynomial, reflected 0x82F63B78) ----

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---- Ethernet II / IPv4 / SCTP DATA ----

export interface Endpoint {
  /** Four IPv4 octets. */
  readonly ip: readonly [number, number, number, number];
  readonly port: number;
}

/** Locally administered MAC 02:00:<ip>, so the Ethernet layer names the same element as the IP layer. */
function mac(ip: Endpoint['ip']): number[] {
  return [0x02, 0x00, ...ip];
}

function ipv4Checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Offset of the transport header in a frame from `ethernetIpv4`: 14 octets of Ethernet, 20 of IPv4. */
export const TRANSPORT_OFFSET = 34;

/**
 * A frame for one transport segment of `transportLength` octets, its Ethernet II header (IEEE 802.3 §3.2.6
 * type field, ethertype IPv4) and IPv4 header (RFC 791 §3.1: IHL 5, DF, TTL 64, the protocol given, header
 * checksum) written; the caller writes the transport header and payload from TRANSPORT_OFFSET on.
 */
export function ethernetIpv4(src: Endpoint, dst: Endpoint, protocol: number, transportLength: number, ipId: number): Buffer {
  const ipLength = 20 + transportLength;
  const out = Buffer.alloc(14 + ipLength);
  Buffer.from(mac(dst.ip)).copy(out, 0);
  Buffer.from(mac(src.ip)).copy(out, 6);
  out.writeUInt16BE(0x0800, 12);
  const ip = 14;
  out[ip] = 0x45;
  out.writeUInt16BE(ipLength, ip + 2);
  out.writeUInt16BE(ipId & 0xffff, ip + 4);
  out.writeUInt16BE(0x4000, ip + 6);
  out[ip + 8] = 64;
  out[ip + 9] = protocol;
  Buffer.from(src.ip).copy(out, ip + 12);
  Buffer.from(dst.ip).copy(out, ip + 16);
  out.writeUInt16BE(ipv4Checksum(out.subarray(ip, ip + 20)), ip + 10);
  return out;
}

interface Direction {
  tsn: number;
  /** Stream sequence number per stream (RFC 4960 §6.5: each stream counts on its own). */
  readonly streamSeq: Map<number, number>;
  ipId: number;
  /** The receiver's verification tag in this association (RFC 4960 §8.5). */
  readonly tag: number;
}

const endpointKey = (e: Endpoint): string => `${e.ip.join('.')}:${e.port}`;

/**
 * Keeps per-association, per-direction SCTP state so TSNs and stream sequence numbers run on without gaps
 * (Wireshark's SCTP TSN analysis is on by default) and writes each user message as one DATA chunk.
 */
export class SctpFramer {
  private readonly directions = new Map<string, Direction>();

  /**
   * `stream`: the SCTP stream; M3UA sends user data on streams 1 and up, stream 0 being its management's
   * (RFC 4666 §1.4.7). Each association (a pair of endpoints) gets its own verification tags, one per end,
   * so Wireshark keeps associations that share an endpoint apart.
   */
  frame(src: Endpoint, dst: Endpoint, ppid: number, payload: Buffer, stream = 0): Buffer {
    const key = `${endpointKey(src)}>${endpointKey(dst)}`;
    let direction = this.directions.get(key);
    if (!direction) {
      const seed = hash32(key);
      const association = [endpointKey(src), endpointKey(dst)].sort().join('|');
      direction = { tsn: (seed & 0x0fffffff) + 1, streamSeq: new Map(), ipId: seed & 0xffff, tag: (hash32(`vtag|${association}|${endpointKey(dst)}`) | 1) >>> 0 };
      this.directions.set(key, direction);
    }
    const streamSeq = direction.streamSeq.get(stream) ?? 0;
    const chunkLength = 16 + payload.length;
    const sctpLength = 12 + ((chunkLength + 3) & ~3);
    // IPv4 protocol 132: SCTP.
    const out = ethernetIpv4(src, dst, 132, sctpLength, direction.ipId);

    // SCTP common header (RFC 4960 §3.1): the verification tag is the receiver's.
    const sctp = TRANSPORT_OFFSET;
    out.writeUInt16BE(src.port, sctp);
    out.writeUInt16BE(dst.port, sctp + 2);
    out.writeUInt32BE(direction.tag, sctp + 4);
    // DATA chunk (§3.3.1): flags B|E (an unfragmented message), on the stream given.
    const chunk = sctp + 12;
    out[chunk] = 0;
    out[chunk + 1] = 0x03;
    out.writeUInt16BE(chunkLength, chunk + 2);
    out.writeUInt32BE(direction.tsn >>> 0, chunk + 4);
    out.writeUInt16BE(stream & 0xffff, chunk + 8);
    out.writeUInt16BE(streamSeq & 0xffff, chunk + 10);
    out.writeUInt32BE(ppid >>> 0, chunk + 12);
    payload.copy(out, chunk + 16);
    out.writeUInt32LE(crc32c(out.subarray(sctp)), sctp + 8);

    direction.tsn = (direction.tsn + 1) >>> 0;
    direction.streamSeq.set(stream, (streamSeq + 1) & 0xffff);
    direction.ipId = (direction.ipId + 1) & 0xffff;
    return out;
  }
}
