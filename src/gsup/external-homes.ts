import type { MockNetwork } from '../../mocks/network';
import type { ExternalHlrConfig } from '../config/load';
import { OsmoHome, type OsmoLocation } from './osmo-home';

/**
 * Home networks served by a real HLR (config `networks[].hlr`), for a network built without the element
 * seam's provisioning calls: before a request reaches the HLR, the subscriber is brought in line with the
 * scenario's store through the HLR's own faces (osmo-home.ts) — created with the generator's IMSI, MSISDN,
 * K and OPc, barred when the store's record is barred or its profile may not roam, deleted once the store
 * forgot it. With the element seam, its provisioning face calls OsmoHome directly and this goes away.
 */
export class ExternalHomes {
  private readonly homes = new Map<string, OsmoHome>();
  private readonly provisioned = new Map<string, { plmn: string; barred: boolean }>();

  constructor(private readonly network: MockNetwork) {}

  /** The real HLR serving a home network, if the config names one. */
  hlrOf(homePlmn: string): ExternalHlrConfig | undefined {
    return this.network.config.networks.find((candidate) => candidate.plmn === homePlmn)?.hlr;
  }

  /** Brings the real HLR in line with the store for one subscriber of a home network it serves. */
  async ensure(imsi: string, homePlmn: string): Promise<void> {
    const home = this.home(homePlmn);
    if (!home) return;
    const record = this.network.store.record(imsi);
    const held = this.provisioned.get(imsi);
    if (!record) {
      if (held) {
        this.provisioned.delete(imsi);
        await home.forget(imsi);
      }
      return;
    }
    const barred = record.barred || !this.network.profileAllowsRoaming(record.identity.profile);
    if (!held) {
      await home.createSubscriber({ identity: record.identity, keys: this.network.store.aucKeys(imsi) });
      this.provisioned.set(imsi, { plmn: homePlmn, barred: false });
    }
    const state = this.provisioned.get(imsi) as { plmn: string; barred: boolean };
    if (state.barred !== barred) {
      await home.bar(imsi, barred);
      state.barred = barred;
    }
  }

  /** Where the real HLR locates the subscriber; undefined when the home network has no real HLR. */
  async location(imsi: string, homePlmn: string): Promise<OsmoLocation | undefined> {
    return this.home(homePlmn)?.locate(imsi);
  }

  async close(): Promise<void> {
    for (const home of this.homes.values()) await home.close();
    this.homes.clear();
    this.provisioned.clear();
  }

  private home(homePlmn: string): OsmoHome | undefined {
    const hlr = this.hlrOf(homePlmn);
    if (!hlr) return undefined;
    let home = this.homes.get(homePlmn);
    if (!home) this.homes.set(homePlmn, (home = new OsmoHome(homePlmn, hlr)));
    return home;
  }
}
