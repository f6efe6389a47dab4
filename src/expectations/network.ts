import { type HomeInspection, type HomeLocation, INSPECTION_SOURCES, type VisitedInspection } from '../elements/seam';
import { RoamingAssertionError } from './assertion';

/**
 * What "the HLR/HSS records the subscriber in …" and "visited network … holds a record" mean, asked through
 * the element seam's inspection face. Each failure says where the answer came from: the element's own data,
 * or the signalling it was seen to send and receive.
 */

function located(location: HomeLocation): string {
  if (!location.known) return 'does not know the subscriber';
  if (location.serving) return `records ${location.serving.kind} ${location.serving.plmn}${location.serving.rat ? ` over ${location.serving.rat}` : ''}`;
  return location.purged ? 'records no location (purged)' : 'records no location';
}

export async function expectHomeLocation(home: HomeInspection, imsi: string, plmn: string): Promise<void> {
  const location = await home.locate(imsi);
  if (!location.known || location.serving?.plmn !== plmn) {
    throw new RoamingAssertionError(`expected the home network to record the subscriber in ${plmn}, but it ${located(location)} (${INSPECTION_SOURCES[location.source]})`);
  }
}

export async function expectNoHomeLocation(home: HomeInspection, imsi: string): Promise<void> {
  const location = await home.locate(imsi);
  if (location.known && location.serving) {
    throw new RoamingAssertionError(`expected no location, but the home network ${located(location)} (${INSPECTION_SOURCES[location.source]})`);
  }
}

export async function expectVisitorRecord(visited: VisitedInspection, imsi: string, plmn: string): Promise<void> {
  const view = await visited.visitor(imsi);
  if (!view.held) throw new RoamingAssertionError(`expected the VLR/MME of ${plmn} to hold a visitor record, but it holds none (${INSPECTION_SOURCES[view.source]})`);
}

export async function expectNoVisitorRecord(visited: VisitedInspection, imsi: string, plmn: string): Promise<void> {
  const view = await visited.visitor(imsi);
  if (view.held) {
    throw new RoamingAssertionError(`expected the VLR/MME of ${plmn} to have dropped the subscriber, but its ${view.node.kind} still holds a record (${view.rat}) (${INSPECTION_SOURCES[view.source]})`);
  }
}
