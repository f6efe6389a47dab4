/**
 * The two narrow interfaces the Diameter side needs from the simulation: whoever decides as the home HSS
 * (AIR, ULR, PUR) and whoever decides as the visited MME (CLR, IDR). The Diameter HSS server and MME client
 * only translate between these and the wire; the element logic stays where it is (mocks/hlr-hss,
 * mocks/vlr-mme), reached through one small adapter (network-ports.ts).
 */
import type { ElementReply, HssOperation, MmeOperation } from './s6a-json';

/** What identifies the Diameter request being served. */
export interface RequestContext {
  readonly sessionId: string;
  readonly endToEnd: number;
}

export interface HomeNetworks {
  /** The home PLMNs (MCC-MNC) served. */
  readonly homePlmns: readonly string[];
  /** The home PLMN of a Destination-Realm outside `homePlmns` (networks a scenario adds), if served. */
  homeOf?(realm: string, userName: string, request: RequestContext): string | undefined;
  serve(homePlmn: string, operation: HssOperation, body: Record<string, unknown>, request: RequestContext): Promise<ElementReply>;
}

export interface VisitedNetworks {
  serve(visitedPlmn: string, operation: MmeOperation, body: Record<string, unknown>, request: RequestContext): Promise<ElementReply>;
}
