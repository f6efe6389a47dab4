import path from 'node:path';
import type { AgreementConfig, RoamingConfig } from '../config/load';
import { tadigOf as catalogueTadigOf } from '../config/mcc';
import type { AgreementBook } from '../roaming/agreements';
import type { AgreementRating } from './emulator';
import { type Tariffs, parseTariffsConfig } from './tariffs';
import { type Zone, findZone } from './zones';

/** `home>visited`: the key of a scenario's tariff table for an agreement. */
export function pairKey(home: string, visited: string): string {
  return `${home}>${visited}`;
}

/**
 * The agreement between home and visited network as the scenario sees it (config, replaced or withdrawn
 * by network steps), priced by the scenario's tariff table when it gave one, else by the configured
 * `tariffs`. No agreement, or one without any tariffs, cannot be rated (the emulator says so).
 */
export function ratingFor(config: RoamingConfig, agreements: AgreementBook, overrides: ReadonlyMap<string, Tariffs>, home: string, visited: string): AgreementRating | undefined {
  const agreement = agreements.find(home, visited);
  if (!agreement) return undefined;
  const tariffs = overrides.get(pairKey(home, visited)) ?? configuredTariffs(config, agreement.config);
  if (!tariffs) return undefined;
  const zone = zoneFor(config, agreement.config?.zone, home, visited);
  return {
    tariffs,
    agreementId: `${tadigFor(config, home)}-${tadigFor(config, visited)}`,
    ...(zone ? { zone } : {}),
  };
}

function configuredTariffs(config: RoamingConfig, agreement: AgreementConfig | undefined): Tariffs | undefined {
  if (!agreement?.tariffs) return undefined;
  const file = path.relative(process.cwd(), config.file) || config.file;
  return parseTariffsConfig(agreement.tariffs, `${file} agreements[${config.agreements.indexOf(agreement)}].tariffs`);
}

/**
 * The zone whose retail rule applies: the one the agreement names, else the first zone of `zones:` that
 * holds both countries. Either way it only applies when both networks' MCCs are in it. A `free` zone
 * (roam like at home) makes the retail charge zero; the wholesale charge is still recorded.
 */
function zoneFor(config: RoamingConfig, named: string | undefined, home: string, visited: string): Zone | undefined {
  const zones: Zone[] = config.zones.map((zone) => ({ name: zone.name, mccs: zone.mccs, retail: zone.retail === 'free' ? 'free' : 'wholesale' }));
  return named === undefined ? findZone(zones, home, visited) : zones.find((zone) => zone.name === named);
}

/** The configured network's TADIG, else the catalogue's (or its synthetic code). */
export function tadigFor(config: RoamingConfig, plmn: string): string {
  return config.networks.find((network) => network.plmn === plmn)?.tadig ?? catalogueTadigOf(plmn);
}
