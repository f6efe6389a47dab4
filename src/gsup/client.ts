import { connect as tcpConnect } from 'node:net';
import { CCM_TAG } from '../protocol/ipa';
import { type CnDomain, GSUP_AUTH_FAIL_REPORT, GSUP_REQUEST, type GsupMessage, type PdpInfo, describeType, errorType, resultType } from '../protocol/gsup';
import { GsupEndpoint } from './endpoint';
import { PeerProblems } from './problems';

/** What the VLR/SGSN holds for a subscriber after the HLR pushed its profile. */
export interface ServedSubscriber {
  msisdn?: string;
  pdpInfo?: PdpInfo[];
  cnDomain?: CnDomain;
}

/** An HLR-initiated procedure this client saw (ISD, LocationCancel, DeleteSubscriberData). */
export interface HlrPush {
  readonly procedure: 'InsertSubscriberData' | 'LocationCancel' | 'DeleteSubscriberData';
  readonly imsi: string;
  readonly cancelType?: number;
}

export interface GsupClientOptions {
  readonly host: string;
  readonly port: number;
  /** The CCM serial name (SERNR): the HLR stores it as the VLR/SGSN number and routes pushes by it. Unique per connection. */
  readonly name: string;
  readonly unit?: string;
  readonly problems?: PeerProblems;
  /** Deadline of every request (default 2000 ms). */
  readonly deadlineMs?: number;
  /** Connect + ID_GET deadline (default 2000 ms). */
  readonly handshakeMs?: number;
  /** How the VLR answers InsertSubscriberData: normally `answer`; `error` and `ignore` exercise the HLR. */
  readonly isd?: 'answer' | 'error' | 'ignore';
  readonly onPush?: (push: HlrPush) => void;
  /**
   * The VLR behind this client, when it is more than this class's own record (wire mode hands pushes to the
   * VLR element): true accepts, false answers the HLR with an error (network failure).
   */
  readonly vlr?: (procedure: HlrPush['procedure'], message: GsupMessage) => Promise<boolean> | boolean;
}

/**
 * roamsim's VLR (CS) or SGSN (PS) on GSUP: one connection per visited network and domain, identified by its
 * own serial name. It answers the HLR's InsertSubscriberData, and honours LocationCancel and
 * DeleteSubscriberData by forgetting the subscriber.
 */
export class GsupClient {
  readonly served = new Map<string, ServedSubscriber>();
  readonly pushes = { InsertSubscriberData: 0, LocationCancel: 0, DeleteSubscriberData: 0 };
  readonly problems: PeerProblems;

  private constructor(
    readonly endpoint: GsupEndpoint,
    private readonly options: GsupClientOptions,
  ) {
    this.problems = options.problems ?? new PeerProblems();
  }

  static connect(options: GsupClientOptions): Promise<GsupClient> {
    const address = `${options.host}:${options.port}`;
    const problems = options.problems ?? new PeerProblems();
    const handshakeMs = options.handshakeMs ?? 2000;
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host: options.host, port: options.port });
      let client: GsupClient | undefined;
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`GSUP HLR at ${address}: ${why}`));
      };
      const timer = setTimeout(() => fail(`no identity request (IPA ID_GET) within ${handshakeMs} ms of connecting`), handshakeMs);
      socket.once('error', (error) => fail(`cannot connect (${(error as NodeJS.ErrnoException).code ?? error.message})`));
      socket.once('close', () => fail('closed the connection during the identity handshake'));
      const endpoint = new GsupEndpoint({
        socket,
        peer: `HLR ${address}`,
        problems,
        deadlineMs: options.deadlineMs ?? 2000,
        identity: new Map([
          [CCM_TAG.SERNR, options.name],
          [CCM_TAG.UNIT, options.unit ?? '0/0/0'],
        ]),
        onRequest: (message) => void client?.onHlrRequest(message),
        onIdGet: () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          client = new GsupClient(endpoint, { ...options, problems });
          resolve(client);
        },
      });
    });
  }

  get name(): string {
    return this.options.name;
  }

  sendAuthInfo(imsi: string, request: { cnDomain?: CnDomain; numVectors?: number; currentRat?: number; rand?: Buffer; auts?: Buffer } = {}): Promise<GsupMessage> {
    return this.endpoint.request({ type: GSUP_REQUEST.SendAuthInfo, imsi, ...clean(request) });
  }

  updateLocation(imsi: string, request: { cnDomain: CnDomain; currentRat?: number }): Promise<GsupMessage> {
    return this.endpoint.request({ type: GSUP_REQUEST.UpdateLocation, imsi, ...clean(request) });
  }

  purgeMs(imsi: string, cnDomain: CnDomain): Promise<GsupMessage> {
    this.served.delete(imsi);
    return this.endpoint.request({ type: GSUP_REQUEST.PurgeMS, imsi, cnDomain });
  }

  checkImei(imsi: string, imei: string): Promise<GsupMessage> {
    return this.endpoint.request({ type: GSUP_REQUEST.CheckIMEI, imsi, imei });
  }

  /** Tells the HLR the UE rejected a vector (TS 29.002 authenticationFailureReport); GSUP has no answer to it. */
  authFailureReport(imsi: string, cnDomain: CnDomain): void {
    this.endpoint.send({ type: GSUP_AUTH_FAIL_REPORT, imsi, cnDomain });
  }

  close(): Promise<void> {
    this.endpoint.close();
    return this.endpoint.closed;
  }

  private async onHlrRequest(message: GsupMessage): Promise<void> {
    const procedure = describeType(message.type)?.procedure;
    switch (procedure) {
      case 'InsertSubscriberData': {
        this.pushes.InsertSubscriberData++;
        this.options.onPush?.({ procedure, imsi: message.imsi });
        if (this.options.isd === 'ignore') return;
        const accepted = this.options.vlr ? await this.options.vlr(procedure, message) : true;
        if (this.options.isd === 'error' || !accepted) {
          this.endpoint.send({ type: errorType(procedure), imsi: message.imsi, cause: 17 });
          return;
        }
        const previous = this.served.get(message.imsi) ?? {};
        this.served.set(message.imsi, {
          ...previous,
          ...(message.msisdn === undefined ? {} : { msisdn: message.msisdn }),
          ...(message.pdpInfo ? { pdpInfo: message.pdpInfo } : {}),
          ...(message.cnDomain ? { cnDomain: message.cnDomain } : {}),
        });
        this.endpoint.send({ type: resultType(procedure), imsi: message.imsi });
        return;
      }
      case 'LocationCancel':
      case 'DeleteSubscriberData': {
        this.pushes[procedure]++;
        this.served.delete(message.imsi);
        this.options.onPush?.({ procedure, imsi: message.imsi, ...(message.cancelType === undefined ? {} : { cancelType: message.cancelType }) });
        if (this.options.vlr) await this.options.vlr(procedure, message);
        this.endpoint.send({ type: resultType(procedure), imsi: message.imsi });
        return;
      }
      default:
        this.problems.report(this.endpoint.peer, 'unexpected-request', `${procedure ?? 'unknown'} request is not one an HLR sends to a VLR`);
    }
  }
}

function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
