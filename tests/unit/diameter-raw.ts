/**
 * A Diameter client written the plain way, on raw buffers, independent of src/protocol's encoder, framer and
 * peer: it builds messages byte by byte and reads answers by offsets. Tests use it to talk to roamsim's
 * Diameter nodes as another implementation would.
 */
import { type Socket, connect } from 'node:net';

export interface RawAvpSpec {
  code: number;
  /** Defaults to 0x40 (M), 0xC0 when a vendor is given. */
  flags?: number;
  vendor?: number;
  data: Buffer | string | number | RawAvpSpec[];
}

export function rawAvp(spec: RawAvpSpec): Buffer {
  const data =
    typeof spec.data === 'number'
      ? Buffer.from([spec.data >>> 24, (spec.data >>> 16) & 0xff, (spec.data >>> 8) & 0xff, spec.data & 0xff])
      : typeof spec.data === 'string'
        ? Buffer.from(spec.data, 'utf8')
        : Array.isArray(spec.data)
          ? Buffer.concat(spec.data.map(rawAvp))
          : spec.data;
  const head = spec.vendor === undefined ? 8 : 12;
  const length = head + data.length;
  const out = Buffer.alloc(Math.ceil(length / 4) * 4);
  out.writeUInt32BE(spec.code, 0);
  out[4] = spec.flags ?? (spec.vendor === undefined ? 0x40 : 0xc0);
  out[5] = (length >> 16) & 0xff;
  out[6] = (length >> 8) & 0xff;
  out[7] = length & 0xff;
  if (spec.vendor !== undefined) out.writeUInt32BE(spec.vendor, 8);
  data.copy(out, head);
  return out;
}

export function rawMessage(h: { flags: number; code: number; app: number; hbh: number; e2e: number }, avps: Buffer[]): Buffer {
  const body = Buffer.concat(avps);
  const out = Buffer.alloc(20 + body.length);
  out[0] = 1;
  out[1] = (out.length >> 16) & 0xff;
  out[2] = (out.length >> 8) & 0xff;
  out[3] = out.length & 0xff;
  out[4] = h.flags;
  out[5] = (h.code >> 16) & 0xff;
  out[6] = (h.code >> 8) & 0xff;
  out[7] = h.code & 0xff;
  out.writeUInt32BE(h.app, 8);
  out.writeUInt32BE(h.hbh, 12);
  out.writeUInt32BE(h.e2e, 16);
  body.copy(out, 20);
  return out;
}

export interface ParsedAvp {
  code: number;
  flags: number;
  vendor?: number;
  data: Buffer;
}

/** Walks AVPs by their length fields. */
export function parseAvps(buf: Buffer): ParsedAvp[] {
  const out: ParsedAvp[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const flags = buf[i + 4] as number;
    const len = ((buf[i + 5] as number) << 16) | ((buf[i + 6] as number) << 8) | (buf[i + 7] as number);
    const head = flags & 0x80 ? 12 : 8;
    out.push({ code: buf.readUInt32BE(i), flags, ...(flags & 0x80 ? { vendor: buf.readUInt32BE(i + 8) } : {}), data: buf.subarray(i + head, i + len) });
    i += Math.ceil(len / 4) * 4;
  }
  return out;
}

export interface ParsedMessage {
  flags: number;
  code: number;
  app: number;
  hbh: number;
  e2e: number;
  avps: ParsedAvp[];
}

export function parseMessage(buf: Buffer): ParsedMessage {
  return {
    flags: buf[4] as number,
    code: ((buf[5] as number) << 16) | ((buf[6] as number) << 8) | (buf[7] as number),
    app: buf.readUInt32BE(8),
    hbh: buf.readUInt32BE(12),
    e2e: buf.readUInt32BE(16),
    avps: parseAvps(buf.subarray(20)),
  };
}

export const u32Of = (a: ParsedAvp | undefined): number | undefined => (a ? a.data.readUInt32BE(0) : undefined);
export const avpOf = (avps: ParsedAvp[], code: number): ParsedAvp | undefined => avps.find((a) => a.code === code);

/** A TCP connection that collects whole messages (by the 3-byte length) and lets a test await the next one. */
export class RawClient {
  readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private readonly inbox: Buffer[] = [];
  private waiter: (() => void) | undefined;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4) {
        const len = ((this.buffer[1] as number) << 16) | ((this.buffer[2] as number) << 8) | (this.buffer[3] as number);
        if (len < 20 || this.buffer.length < len) break;
        this.inbox.push(this.buffer.subarray(0, len));
        this.buffer = this.buffer.subarray(len);
      }
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next message, or undefined when the connection closed or `ms` passed first. */
  async next(ms = 3000): Promise<Buffer | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const message = this.inbox.shift();
      if (message) return message;
      if (this.closed || Date.now() >= deadline) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** The next message that is not a DWR (answering DWRs on the way, with P clear). */
  async nextApp(ms = 3000): Promise<Buffer | undefined> {
    for (;;) {
      const message = await this.next(ms);
      if (!message) return undefined;
      const m = parseMessage(message);
      if (m.code === 280 && m.flags & 0x80) {
        this.send(rawMessage({ flags: 0, code: 280, app: 0, hbh: m.hbh, e2e: m.e2e }, [rawAvp({ code: 268, data: 2001 }), rawAvp({ code: 264, data: 'raw.test' }), rawAvp({ code: 296, data: 'test' })]));
        continue;
      }
      return message;
    }
  }

  /** Resolves when the server has closed the connection, false after `ms`. */
  async waitClosed(ms = 3000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) {
      const message = await this.next(Math.max(1, deadline - Date.now()));
      if (!message) break;
      const m = parseMessage(message);
      // Answer a DPR so the server can close promptly.
      if (m.code === 282 && m.flags & 0x80) this.send(rawMessage({ flags: 0, code: 282, app: 0, hbh: m.hbh, e2e: m.e2e }, [rawAvp({ code: 268, data: 2001 }), rawAvp({ code: 264, data: 'raw.test' }), rawAvp({ code: 296, data: 'test' })]));
    }
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** CER from an S6a client of `realm`. */
export function rawCer(host: string, realm: string, hbh = 1): Buffer {
  return rawMessage({ flags: 0x80, code: 257, app: 0, hbh, e2e: hbh }, [
    rawAvp({ code: 264, data: host }),
    rawAvp({ code: 296, data: realm }),
    rawAvp({ code: 257, data: Buffer.from([0, 1, 127, 0, 0, 1]) }),
    rawAvp({ code: 266, data: 0 }),
    rawAvp({ code: 269, flags: 0, data: 'raw-buffer-client' }),
    rawAvp({ code: 260, data: [{ code: 266, data: 10415 }, { code: 258, data: 16777251 }] }),
  ]);
}
