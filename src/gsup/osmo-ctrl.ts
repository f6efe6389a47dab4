import { type Socket, connect as tcpConnect } from 'node:net';
import { InputError } from '../errors';
import { IPA_OSMO_EXT, IPA_STREAM, IpaReassembler, encodeOsmo } from '../protocol/ipa';

/** The subscriber as osmo-hlr's CTRL `subscriber.by-imsi-<imsi>.info` reports it. */
export interface OsmoSubscriberInfo {
  readonly id?: string;
  readonly imsi?: string;
  readonly msisdn?: string;
  readonly namCs: boolean;
  readonly namPs: boolean;
  readonly vlrNumber?: string;
  readonly sgsnNumber?: string;
  readonly purgedCs: boolean;
  readonly purgedPs: boolean;
  /** Every `key value` line as read, for fields this type does not name. */
  readonly raw: Readonly<Record<string, string>>;
}

/** IMSIs (14–15 digits) out of a text that may reach a log or a report: identities never leak. */
export function redactImsi(text: string): string {
  return text.replace(/\b\d{14,15}\b/g, '<IMSI>');
}

export class OsmoCtrlError extends Error {
  constructor(
    readonly variable: string,
    readonly reply: string,
  ) {
    super(redactImsi(`osmo-hlr CTRL refused ${variable}: ${reply}`));
    this.name = 'OsmoCtrlError';
  }
}

/** `osmo-ctrl://127.0.0.1:4259` → host and port (the provisioning address in config and on the CLI). */
export function parseOsmoCtrlUrl(text: string, source: string): { host: string; port: number } {
  const match = /^osmo-ctrl:\/\/([^:/]+):(\d{1,5})\/?$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new InputError(text, source, 'an osmo-hlr CTRL address as osmo-ctrl://HOST:PORT, e.g. osmo-ctrl://127.0.0.1:4259');
  return { host: match[1], port };
}

/**
 * osmo-hlr's CTRL interface (IPA stream 0xEE, extension 0x00, ASCII `SET|GET <id> <variable> [value]`):
 * roamsim's provisioning (create, MSISDN, Milenage K/OPc, barring, delete) and inspection of a real HLR.
 */
export class OsmoCtrl {
  private readonly reassembler = new IpaReassembler();
  private readonly waiting = new Map<number, { resolve: (reply: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout; variable: string }>();
  private nextId = 1;

  private constructor(
    private readonly socket: Socket,
    private readonly address: string,
    private readonly deadlineMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      for (const [, pending] of this.waiting) {
        clearTimeout(pending.timer);
        pending.reject(new Error(redactImsi(`osmo-hlr CTRL at ${address} closed before answering ${pending.variable}`)));
      }
      this.waiting.clear();
    });
  }

  static connect(host: string, port: number, deadlineMs = 2000): Promise<OsmoCtrl> {
    const address = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`osmo-hlr CTRL at ${address}: no connection within ${deadlineMs} ms`));
      }, deadlineMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`osmo-hlr CTRL at ${address}: cannot connect (${(error as NodeJS.ErrnoException).code ?? error.message})`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new OsmoCtrl(socket, address, deadlineMs));
      });
    });
  }

  async createSubscriber(subscriber: { imsi: string; msisdn: string; k: Buffer; opc: Buffer }): Promise<void> {
    await this.set('subscriber.create', subscriber.imsi);
    await this.set(`subscriber.by-imsi-${subscriber.imsi}.msisdn`, subscriber.msisdn);
    await this.set(`subscriber.by-imsi-${subscriber.imsi}.aud3g`, `milenage,${subscriber.k.toString('hex')},OPC,${subscriber.opc.toString('hex')}`);
  }

  /** Network access mode: `none` bars both domains (the HLR then refuses UL with 11 on CS, 7 on PS). */
  async setAccess(imsi: string, access: { cs: boolean; ps: boolean }): Promise<void> {
    await this.set(`subscriber.by-imsi-${imsi}.cs-enabled`, access.cs ? '1' : '0');
    await this.set(`subscriber.by-imsi-${imsi}.ps-enabled`, access.ps ? '1' : '0');
  }

  async setKeys(imsi: string, k: Buffer, opc: Buffer): Promise<void> {
    await this.set(`subscriber.by-imsi-${imsi}.aud3g`, `milenage,${k.toString('hex')},OPC,${opc.toString('hex')}`);
  }

  async deleteSubscriber(imsi: string): Promise<void> {
    await this.set('subscriber.delete', imsi);
  }

  /** The subscriber's record, or undefined when osmo-hlr does not know the IMSI. */
  async info(imsi: string): Promise<OsmoSubscriberInfo | undefined> {
    let text: string;
    try {
      text = await this.get(`subscriber.by-imsi-${imsi}.info`);
    } catch (error) {
      if (error instanceof OsmoCtrlError && /no such|unknown|not found/i.test(error.reply)) return undefined;
      throw error;
    }
    const raw: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const match = /^(\S+)\s+(.*)$/.exec(line.trim());
      if (match) raw[match[1]] = match[2];
    }
    const flag = (key: string, fallback: boolean) => (raw[key] === undefined ? fallback : raw[key] === '1');
    return {
      ...(raw.id === undefined ? {} : { id: raw.id }),
      ...(raw.imsi === undefined ? {} : { imsi: raw.imsi }),
      ...(raw.msisdn === undefined ? {} : { msisdn: raw.msisdn }),
      namCs: flag('nam_cs', true),
      namPs: flag('nam_ps', true),
      ...(raw.vlr_number === undefined ? {} : { vlrNumber: raw.vlr_number }),
      ...(raw.sgsn_number === undefined ? {} : { sgsnNumber: raw.sgsn_number }),
      purgedCs: flag('ms_purged_cs', false),
      purgedPs: flag('ms_purged_ps', false),
      raw,
    };
  }

  set(variable: string, value: string): Promise<string> {
    return this.command(`SET ${this.nextId} ${variable} ${value}`, variable);
  }

  get(variable: string): Promise<string> {
    return this.command(`GET ${this.nextId} ${variable}`, variable);
  }

  close(): void {
    this.socket.destroy();
  }

  private command(line: string, variable: string): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(redactImsi(`osmo-hlr CTRL at ${this.address} did not answer ${variable} within ${this.deadlineMs} ms`)));
      }, this.deadlineMs);
      this.waiting.set(id, { resolve, reject, timer, variable });
      this.socket.write(encodeOsmo(IPA_OSMO_EXT.CTRL, Buffer.from(line, 'latin1')));
    });
  }

  private onData(chunk: Buffer): void {
    for (const frame of this.reassembler.push(chunk)) {
      if (frame.stream !== IPA_STREAM.OSMO || frame.payload[0] !== IPA_OSMO_EXT.CTRL) continue;
      const text = frame.payload.subarray(1).toString('latin1');
      // `SET_REPLY <id> <variable> <value>`, `GET_REPLY …`, `ERROR <id> <message>`; TRAPs carry no id we sent.
      const match = /^(SET_REPLY|GET_REPLY|ERROR) (\d+) ?([\s\S]*)$/.exec(text);
      if (!match) continue;
      const pending = this.waiting.get(Number(match[2]));
      if (!pending) continue;
      this.waiting.delete(Number(match[2]));
      clearTimeout(pending.timer);
      if (match[1] === 'ERROR') pending.reject(new OsmoCtrlError(pending.variable, match[3]));
      else pending.resolve(match[3].startsWith(`${pending.variable} `) ? match[3].slice(pending.variable.length + 1) : match[3]);
    }
  }
}
