import { createHmac } from 'node:crypto';
import type { ExternalHlrConfig } from '../config/load';
import type { NodeKind } from '../roaming/events';
import type { KeyMaterial, SubscriberIdentity } from '../subscribers/generator';
import { visitedPlmnOf } from './names';
import { OsmoCtrl, OsmoCtrlError } from './osmo-ctrl';
import { OSMO_HLR_PORTS } from './osmo-hlr-process';
import { osmoVtyCommand } from './osmo-vty';

/** Where osmo-hlr locates a subscriber, in the element seam's terms (its HomeLocation). */
export type OsmoLocation =
  | { readonly known: false; readonly source: 'element' }
  | {
      readonly known: true;
      readonly source: 'element';
      readonly serving?: { readonly kind: NodeKind; readonly plmn: string; readonly address: string };
      readonly purged?: boolean;
      readonly barred?: boolean;
    };

/**
 * One home network's HLR when osmo-hlr is it: the provisioning face (create with the generator's IMSI,
 * MSISDN, K and OPc; bar; forget; change key) and the inspection face (where it locates the subscriber), over
 * its CTRL interface and, for barring, its VTY (`network-access-mode none` also pushes DeleteSubscriberData
 * to the serving VLR, which CTRL's `cs-enabled 0` does not; osmo-hlr 1.5's VTY is port 4258 of the CTRL
 * host). Everything it created is deleted by `close`. Keys go to osmo-hlr and nowhere else.
 */
export class OsmoHome {
  private ctrlConnection?: Promise<OsmoCtrl>;
  private readonly created = new Map<string, KeyMaterial>();

  constructor(
    readonly plmn: string,
    private readonly hlr: ExternalHlrConfig,
  ) {}

  async createSubscriber(subscriber: { identity: SubscriberIdentity; keys: KeyMaterial }): Promise<void> {
    const ctrl = await this.ctrl();
    const { imsi, msisdn } = subscriber.identity;
    const record = { imsi, msisdn, k: subscriber.keys.ki, opc: subscriber.keys.opc };
    try {
      await ctrl.createSubscriber(record);
    } catch (error) {
      // Left over from an earlier run, or another scenario drew the same IMSI: start from a fresh record.
      if (!(error instanceof OsmoCtrlError) || !/exists/i.test(error.reply)) throw error;
      await ctrl.deleteSubscriber(imsi);
      await ctrl.createSubscriber(record);
    }
    this.created.set(imsi, subscriber.keys);
  }

  /** Barring: network access mode none (osmo-hlr then refuses UL with 11 on CS, 7 on PS, at home too). */
  async bar(imsi: string, barred: boolean): Promise<void> {
    const mode = barred ? 'none' : 'cs+ps';
    try {
      await osmoVtyCommand(this.hlr.provision.host, OSMO_HLR_PORTS.vty, `subscriber imsi ${imsi} update network-access-mode ${mode}`);
    } catch (error) {
      if (/refused/.test((error as Error).message)) throw error;
      // No VTY reachable: CTRL bars too, without the DeleteSubscriberData push.
      await (await this.ctrl()).setAccess(imsi, { cs: !barred, ps: !barred });
    }
  }

  async forget(imsi: string): Promise<void> {
    this.created.delete(imsi);
    await (await this.ctrl()).deleteSubscriber(imsi).catch((error: unknown) => {
      if (!(error instanceof OsmoCtrlError)) throw error;
    });
  }

  /** The HLR holds another key than the SIM from now on (a wrong-key scenario): a K derived from the real one. */
  async changeKey(imsi: string): Promise<void> {
    const keys = this.created.get(imsi);
    if (!keys) throw new Error(`the home network ${this.plmn} (osmo-hlr) did not create this subscriber, so it cannot change its key`);
    const other = createHmac('sha256', keys.ki).update('another-key').digest().subarray(0, 16);
    await (await this.ctrl()).setKeys(imsi, other, keys.opc);
  }

  async locate(imsi: string): Promise<OsmoLocation> {
    const info = await (await this.ctrl()).info(imsi);
    if (!info) return { known: false, source: 'element' };
    const barred = !info.namCs && !info.namPs;
    const cs = info.vlrNumber ? { kind: 'VLR' as const, name: info.vlrNumber, purged: info.purgedCs } : undefined;
    const ps = info.sgsnNumber ? { kind: 'VLR' as const, name: info.sgsnNumber, purged: info.purgedPs } : undefined;
    const node = cs ?? ps;
    const plmn = node ? visitedPlmnOf(node.name) : undefined;
    return {
      known: true,
      source: 'element',
      barred,
      ...(node && plmn && !node.purged ? { serving: { kind: node.kind, plmn, address: node.name } } : {}),
      ...(node?.purged ? { purged: true } : {}),
    };
  }

  async close(): Promise<void> {
    if (!this.ctrlConnection) return;
    const ctrl = await this.ctrlConnection.catch(() => undefined);
    for (const imsi of this.created.keys()) await ctrl?.deleteSubscriber(imsi).catch(() => undefined);
    this.created.clear();
    ctrl?.close();
    this.ctrlConnection = undefined;
  }

  private ctrl(): Promise<OsmoCtrl> {
    this.ctrlConnection ??= OsmoCtrl.connect(this.hlr.provision.host, this.hlr.provision.port).catch((error: Error) => {
      this.ctrlConnection = undefined;
      throw new Error(`home network ${this.plmn}: ${error.message}`);
    });
    return this.ctrlConnection;
  }
}
