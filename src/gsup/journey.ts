import { type AuthTuple, type CnDomain, GSUP_RAT, type GsupMessage, describeType } from '../protocol/gsup';
import { mapErrorFromGmm } from '../protocol/gsup-causes';
import { buildAuts, verifyAutn } from '../protocol/milenage';
import type { SubscriberIdentity } from '../subscribers/generator';
import type { SubscriberStore } from '../subscribers/store';
import { GsupClient } from './client';
import { gsupPeerName } from './names';

export type ServingNode = 'VLR' | 'SGSN';

/**
 * The HLR-facing journeys of Osmocom's HLR test suite, spoken as a VLR/SGSN over GSUP to the HLR under test
 * (a real HLR from config `networks[].hlr`, or the scenario's own GSUP HLR in wire mode). One per scenario;
 * it keeps the connections (one per visited network and node) and the last answer for the Then steps.
 */
export class GsupJourney {
  private readonly clients = new Map<string, Promise<GsupClient>>();
  last?: GsupMessage;
  /** The RAND of the last vector handed to the SIM (resynchronisation answers to it). */
  private lastRand?: Buffer;
  private sqnMsSent?: number;

  constructor(
    private readonly store: SubscriberStore,
    /** The GSUP address of the HLR under test for a home network (a real one, or the scenario's own). */
    private readonly hlrAddress: (homePlmn: string) => Promise<{ host: string; port: number } | undefined>,
  ) {}

  async askVectors(subscriber: SubscriberIdentity, visited: string, count: number, eutran = false): Promise<void> {
    const client = await this.node(subscriber, visited, 'VLR');
    this.last = await client.sendAuthInfo(subscriber.imsi, { cnDomain: 'CS', numVectors: count, ...(eutran ? { currentRat: GSUP_RAT.EUTRAN_SGS } : {}) });
    this.lastRand = this.last.authTuples?.[0]?.rand;
  }

  /** The SIM judges the last vector's SQN stale (its own is far ahead) and answers with AUTS. */
  async resynchronise(subscriber: SubscriberIdentity, visited: string): Promise<void> {
    const sim = this.store.sim(subscriber.imsi);
    if (!sim || !this.lastRand) throw new Error('no vector to resynchronise: ask for authentication vectors first');
    // SQN_MS well ahead of anything the HLR handed out, on an IND boundary plus 7.
    sim.sqnMs = Math.max(sim.sqnMs, 32 * 1000) + 7;
    this.sqnMsSent = sim.sqnMs;
    const keys = this.store.simKeys(subscriber.imsi);
    const sqn = Buffer.alloc(6);
    sqn.writeUIntBE(sim.sqnMs, 0, 6);
    const client = await this.node(subscriber, visited, 'VLR');
    this.last = await client.sendAuthInfo(subscriber.imsi, { cnDomain: 'CS', numVectors: 1, rand: this.lastRand, auts: buildAuts(keys.ki, keys.opc, this.lastRand, sqn) });
  }

  async updateLocation(subscriber: SubscriberIdentity, visited: string, node: ServingNode): Promise<void> {
    const client = await this.node(subscriber, visited, node);
    this.last = await client.updateLocation(subscriber.imsi, { cnDomain: domainOf(node) });
  }

  async purge(subscriber: SubscriberIdentity, visited: string, node: ServingNode): Promise<void> {
    const client = await this.node(subscriber, visited, node);
    this.last = await client.purgeMs(subscriber.imsi, domainOf(node));
  }

  /** LocationCancels a node received for the subscriber, after a round trip on its connection (ordering). */
  async cancelsReceived(subscriber: SubscriberIdentity, visited: string, node: ServingNode): Promise<number> {
    const client = await this.node(subscriber, visited, node);
    await client.sendAuthInfo(subscriber.imsi, { cnDomain: domainOf(node), numVectors: 1 });
    return client.pushes.LocationCancel;
  }

  /** The last answer as a sentence for an error message. */
  describeLast(): string {
    if (!this.last) return 'no answer yet';
    const described = describeType(this.last.type);
    if (described?.kind === 'error') return `${described.procedure} error, GMM cause ${this.last.cause} (${mapErrorFromGmm(this.last.cause).kind === 'map' ? (mapErrorFromGmm(this.last.cause) as { name: string }).name : '?'})`;
    return `${described?.procedure ?? 'unknown'} ${described?.kind ?? ''}${this.last.authTuples ? ` with ${this.last.authTuples.length} vectors` : ''}`;
  }

  get accepted(): boolean {
    return this.last !== undefined && describeType(this.last.type)?.kind === 'result';
  }

  get refusal(): { name: string; cause: number | undefined } | undefined {
    if (!this.last || describeType(this.last.type)?.kind !== 'error') return undefined;
    const error = mapErrorFromGmm(this.last.cause);
    return { name: error.kind === 'map' ? error.name : error.kind, cause: this.last.cause };
  }

  get vectors(): AuthTuple[] {
    return this.last?.authTuples ?? [];
  }

  /** Every vector authenticates with the SIM's key; returns the AMF and SQN of each, for the Then steps. */
  checkWithSim(subscriber: SubscriberIdentity): Array<{ amf: number; sqn: number }> {
    const keys = this.store.simKeys(subscriber.imsi);
    return this.vectors.map((tuple, index) => {
      const check = verifyAutn(keys.ki, keys.opc, tuple.rand, tuple.autn ?? Buffer.alloc(16));
      if (!check.ok) throw new Error(`vector ${index + 1}: the SIM rejects its AUTN (MAC failure)`);
      if (tuple.res && !check.res.equals(tuple.res)) throw new Error(`vector ${index + 1}: the SIM's RES differs from the HLR's XRES`);
      return { amf: (tuple.autn as Buffer).readUInt16BE(6), sqn: check.sqn.readUIntBE(0, 6) };
    });
  }

  get resyncSqnMs(): number | undefined {
    return this.sqnMsSent;
  }

  async close(): Promise<void> {
    const clients = await Promise.allSettled(this.clients.values());
    await Promise.all(clients.map((client) => (client.status === 'fulfilled' ? client.value.close() : undefined)));
    this.clients.clear();
  }

  private async node(subscriber: SubscriberIdentity, visited: string, node: ServingNode): Promise<GsupClient> {
    const address = await this.hlrAddress(subscriber.homePlmn);
    if (!address) throw new Error('no GSUP HLR in this scenario: these journeys run in wire mode (ROAMSIM_MODE=wire)');
    const key = `${visited}|${node}`;
    let client = this.clients.get(key);
    if (!client) {
      client = GsupClient.connect({ host: address.host, port: address.port, name: gsupPeerName(visited, domainOf(node)), deadlineMs: 2000 });
      this.clients.set(key, client);
    }
    return client;
  }
}

function domainOf(node: ServingNode): CnDomain {
  return node === 'VLR' ? 'CS' : 'PS';
}
