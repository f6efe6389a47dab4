import type { MockNetwork } from '../../mocks/network';
import type { ExternalHlrConfig } from '../config/load';
import { OsmoCtrl, OsmoCtrlError } from './osmo-ctrl';
import { visitedPlmnOf } from './names';
import { OSMO_HLR_PORTS } from './osmo-hlr-process';
import { osmoVtyCommand } from './osmo-vty';

/** Where a real HLR says a subscriber is served. */
export interface ExternalLocation {
  readonly plmn: string | undefined;
  /** The serving node's name as the HLR stores it. */
  readonly node: string;
  readonly domain: 'CS' | 'PS';
  readonly purged: boolean;
}

/**
 * Home networks served by a real HLR (config `networks[].hlr`): provisioning and inspection through its
 * CTRL interface, one connection per HLR. Provisioning follows the scenario's subscriber store: before a
 * request reaches the HLR, the subscriber exists there with the generator's IMSI, MSISDN, K and OPc, is
 * barred (network access mode none, over the VTY) when the store's record is barred or its profile may not roam, and is
 * deleted once the store forgot it. Everything this created is deleted by `close`.
 *
 * This is the one place that knows how to provision osmo-hlr; the element seam's provisioning and
 * inspection faces are meant to call it.
 */
export class ExternalHomes {
  private readonly ctrls = new Map<string, Promise<OsmoCtrl>>();
  private readonly provisioned = new Map<string, { plmn: string; barred: boolean }>();

  constructor(private readonly network: MockNetwork) {}

  /** The real HLR serving a home network, if the config names one. */
  hlrOf(homePlmn: string): ExternalHlrConfig | undefined {
    return this.network.config.networks.find((candidate) => candidate.plmn === homePlmn)?.hlr;
  }

  /** Brings the real HLR in line with the store for one subscriber of a home network it serves. */
  async ensure(imsi: string, homePlmn: string): Promise<void> {
    const hlr = this.hlrOf(homePlmn);
    if (!hlr) return;
    const ctrl = await this.ctrl(homePlmn, hlr);
    const record = this.network.store.record(imsi);
    const held = this.provisioned.get(imsi);
    if (!record) {
      if (held) {
        this.provisioned.delete(imsi);
        await ctrl.deleteSubscriber(imsi);
      }
      return;
    }
    const barred = record.barred || !this.network.profileAllowsRoaming(record.identity.profile);
    if (!held) {
      const keys = this.network.store.aucKeys(imsi);
      const subscriber = { imsi, msisdn: record.identity.msisdn, k: keys.ki, opc: keys.opc };
      try {
        await ctrl.createSubscriber(subscriber);
      } catch (error) {
        // Left over from an earlier run (or another scenario drew the same IMSI): start from a fresh record.
        if (!(error instanceof OsmoCtrlError) || !/exists/i.test(error.reply)) throw error;
        await ctrl.deleteSubscriber(imsi);
        await ctrl.createSubscriber(subscriber);
      }
      this.provisioned.set(imsi, { plmn: homePlmn, barred: false });
    }
    const state = this.provisioned.get(imsi) as { plmn: string; barred: boolean };
    if (state.barred !== barred) {
      await this.setNetworkAccess(imsi, hlr, barred ? 'none' : 'cs+ps', ctrl);
      state.barred = barred;
    }
  }

  /**
   * Network access mode through the VTY (which also pushes DeleteSubscriberData to the serving VLR/SGSN, as
   * an operator's barring does); osmo-hlr 1.5's VTY is on port 4258 of the CTRL host. Falls back to CTRL's
   * cs-enabled/ps-enabled (no push) when the VTY cannot be reached.
   */
  private async setNetworkAccess(imsi: string, hlr: ExternalHlrConfig, mode: 'none' | 'cs+ps', ctrl: OsmoCtrl): Promise<void> {
    try {
      await osmoVtyCommand(hlr.provision.host, OSMO_HLR_PORTS.vty, `subscriber imsi ${imsi} update network-access-mode ${mode}`);
    } catch (error) {
      if (/refused/.test((error as Error).message)) throw error;
      await ctrl.setAccess(imsi, { cs: mode !== 'none', ps: mode !== 'none' });
    }
  }

  /** Where the real HLR records the subscriber (CS first, then PS); undefined when it records nothing. */
  async location(imsi: string, homePlmn: string): Promise<ExternalLocation | undefined> {
    const hlr = this.hlrOf(homePlmn);
    if (!hlr) return undefined;
    const info = await (await this.ctrl(homePlmn, hlr)).info(imsi);
    if (!info) return undefined;
    if (info.vlrNumber) return { plmn: visitedPlmnOf(info.vlrNumber), node: info.vlrNumber, domain: 'CS', purged: info.purgedCs };
    if (info.sgsnNumber) return { plmn: visitedPlmnOf(info.sgsnNumber), node: info.sgsnNumber, domain: 'PS', purged: info.purgedPs };
    return undefined;
  }

  async close(): Promise<void> {
    for (const [imsi, { plmn }] of this.provisioned) {
      const hlr = this.hlrOf(plmn);
      if (hlr) await (await this.ctrl(plmn, hlr)).deleteSubscriber(imsi).catch(() => undefined);
    }
    this.provisioned.clear();
    const ctrls = await Promise.allSettled(this.ctrls.values());
    for (const ctrl of ctrls) if (ctrl.status === 'fulfilled') ctrl.value.close();
    this.ctrls.clear();
  }

  private ctrl(homePlmn: string, hlr: ExternalHlrConfig): Promise<OsmoCtrl> {
    const key = `${hlr.provision.host}:${hlr.provision.port}`;
    let ctrl = this.ctrls.get(key);
    if (!ctrl) {
      ctrl = OsmoCtrl.connect(hlr.provision.host, hlr.provision.port).catch((error: Error) => {
        this.ctrls.delete(key);
        throw new Error(`home network ${homePlmn}: ${error.message}`);
      });
      this.ctrls.set(key, ctrl);
    }
    return ctrl;
  }
}
