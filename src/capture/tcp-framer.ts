/**
 * Ethernet/IPv4/TCP framing of bytes that crossed a real TCP connection, for captures of wire mode: every
 * message is one segment whose sequence and acknowledgement numbers continue the connection's byte counts in
 * each direction (Wireshark's TCP sequence analysis is on by default, so a gap would show as an expert note).
 * The handshake is not written: Wireshark marks SYN and SYN-ACK as expert notes ("connection establish"), and
 * a capture of a journey must read with none.
 */
import { hash32 } from '../subscribers/random';
import { type Endpoint, TRANSPORT_OFFSET, ethernetIpv4 } from './pcap-writer';

const ACK = 0x10;
const PSH = 0x08;

interface Connection {
  clientSeq: number;
  serverSeq: number;
  ipId: number;
}

function checksum(data: Buffer, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < data.length; i += 2) sum += data.readUInt16BE(i);
  if (data.length % 2 === 1) sum += (data[data.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export class TcpFramer {
  private readonly connections = new Map<string, Connection>();

  /** Frames of one message from one side of the connection (client = the side that connected). */
  frames(client: Endpoint, server: Endpoint, fromClient: boolean, payload: Buffer): Buffer[] {
    const key = `${client.ip.join('.')}:${client.port}>${server.ip.join('.')}:${server.port}`;
    const out: Buffer[] = [];
    let connection = this.connections.get(key);
    if (!connection) {
      const seed = hash32(key);
      connection = { clientSeq: seed >>> 0, serverSeq: hash32(`${key}|server`) >>> 0, ipId: seed & 0xffff };
      this.connections.set(key, connection);
    }
    if (fromClient) {
      out.push(this.segment(connection, client, server, connection.clientSeq, connection.serverSeq, PSH | ACK, payload));
      connection.clientSeq = (connection.clientSeq + payload.length) >>> 0;
    } else {
      out.push(this.segment(connection, server, client, connection.serverSeq, connection.clientSeq, PSH | ACK, payload));
      connection.serverSeq = (connection.serverSeq + payload.length) >>> 0;
    }
    return out;
  }

  private segment(connection: Connection, src: Endpoint, dst: Endpoint, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
    const tcpLength = 20 + payload.length;
    // IPv4 protocol 6: TCP.
    const out = ethernetIpv4(src, dst, 6, tcpLength, connection.ipId);
    connection.ipId = (connection.ipId + 1) & 0xffff;
    // TCP (RFC 9293 §3.1): data offset 5, window 65535.
    const tcp = TRANSPORT_OFFSET;
    out.writeUInt16BE(src.port, tcp);
    out.writeUInt16BE(dst.port, tcp + 2);
    out.writeUInt32BE(seq >>> 0, tcp + 4);
    out.writeUInt32BE(flags & ACK ? ack >>> 0 : 0, tcp + 8);
    out[tcp + 12] = 0x50;
    out[tcp + 13] = flags;
    out.writeUInt16BE(0xffff, tcp + 14);
    payload.copy(out, tcp + 20);
    const pseudo = Buffer.alloc(12);
    Buffer.from(src.ip).copy(pseudo, 0);
    Buffer.from(dst.ip).copy(pseudo, 4);
    pseudo[9] = 6;
    pseudo.writeUInt16BE(tcpLength, 10);
    out.writeUInt16BE(~checksum(out.subarray(tcp, tcp + tcpLength), checksum(pseudo)) & 0xffff, tcp + 16);
    return out;
  }
}
