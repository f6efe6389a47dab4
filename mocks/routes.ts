import type { CoreProtocol } from '../src/protocol/rat';
import type { Procedure } from '../src/roaming/events';
import type { ElementKind } from '../src/roaming/transport';
import type { Answer, ElementContext } from './context';
import type { MockNetwork } from './network';
import { count, e164, flag, hex, imsi, lai, octets, optional, plmn, rat, rats, readBody, resync, text } from './validate';

/** One operation of an element: how to read its body and which element method answers it. */
export interface Operation {
  readonly procedure: Procedure;
  /** Set for core-network operations: fault rules and request counts apply to them. */
  readonly protocol?: CoreProtocol;
  handle(network: MockNetwork, plmn: string, body: unknown, ctx: ElementContext): Answer | Promise<Answer>;
}

export const OPERATIONS: Readonly<Record<ElementKind, Readonly<Record<string, Operation>>>> = {
  'hlr-hss': {
    'map/send-authentication-info': {
      procedure: 'SendAuthenticationInfo',
      protocol: 'MAP',
      handle: (n, p, body) => n.hlrHss(p).sendAuthenticationInfo(readBody(body, { imsi, numberOfRequestedVectors: count(1, 5), rat, resync: optional(resync) })),
    },
    'map/update-location': {
      procedure: 'UpdateLocation',
      protocol: 'MAP',
      handle: (n, p, body, ctx) => n.hlrHss(p).updateLocation(readBody(body, { imsi, mscNumber: e164, vlrNumber: e164, visitedPlmn: plmn, rat, supportedRatTypes: optional(rats) }), ctx),
    },
    'map/purge-ms': {
      procedure: 'PurgeMS',
      protocol: 'MAP',
      handle: (n, p, body) => n.hlrHss(p).purgeMs(readBody(body, { imsi, vlrNumber: e164 })),
    },
    'map/authentication-failure-report': {
      procedure: 'AuthenticationFailureReport',
      protocol: 'MAP',
      handle: (n, p, body) => n.hlrHss(p).authenticationFailureReport(readBody(body, { imsi, failureCause: text, vlrNumber: e164 })),
    },
    's6a/authentication-information': {
      procedure: 'Authentication-Information',
      protocol: 'S6a',
      handle: (n, p, body) => n.hlrHss(p).authenticationInformation(readBody(body, { userName: imsi, visitedPlmnId: plmn, numberOfRequestedVectors: count(1, 5), resync: optional(resync) })),
    },
    's6a/update-location': {
      procedure: 'Update-Location',
      protocol: 'S6a',
      handle: (n, p, body, ctx) => n.hlrHss(p).updateLocationS6a(readBody(body, { userName: imsi, visitedPlmnId: plmn, ratType: text, ulrFlags: count(0, 0xffffffff) }), ctx),
    },
    's6a/purge-ue': {
      procedure: 'Purge-UE',
      protocol: 'S6a',
      handle: (n, p, body) => n.hlrHss(p).purgeUe(readBody(body, { userName: imsi, originHost: text })),
    },
  },
  'vlr-mme': {
    'ue/attach': { procedure: 'Attach', handle: (n, p, body) => n.vlrMme(p).attach(readBody(body, { imsi, homePlmn: plmn, rat, combined: optional(flag), update: optional(flag) })) },
    'ue/authentication': {
      procedure: 'Authentication',
      handle: (n, p, body) => n.vlrMme(p).authentication(readBody(body, { imsi, res: optional((v, f) => hex(f, v)), failure: optional(text), auts: optional(octets(14, 'AUTS')) })),
    },
    'ue/security-mode-complete': {
      procedure: 'SecurityModeComplete',
      handle: (n, p, body, ctx) => n.vlrMme(p).securityModeComplete(readBody(body, { imsi }), ctx),
    },
    'ue/detach': { procedure: 'Detach', handle: (n, p, body) => n.vlrMme(p).detach(readBody(body, { imsi, combined: optional(flag) })) },
    'map/cancel-location': { procedure: 'CancelLocation', handle: (n, p, body) => n.vlrMme(p).cancelLocation(readBody(body, { imsi, cancellationType: text })) },
    'map/insert-subscriber-data': {
      procedure: 'InsertSubscriberData',
      handle: (n, p, body) => n.vlrMme(p).insertSubscriberData(readBody(body, { imsi, msisdn: optional(e164) })),
    },
    's6a/cancel-location': {
      procedure: 'Cancel-Location',
      handle: (n, p, body) => { const b = readBody(body, { userName: imsi, cancellationType: text }); return n.vlrMme(p).cancelLocation({ imsi: b.userName }, 'S6a'); },
    },
    's6a/insert-subscriber-data': {
      procedure: 'Insert-Subscriber-Data',
      handle: (n, p, body) => { const b = readBody(body, { userName: imsi, msisdn: optional(e164) }); return n.vlrMme(p).insertSubscriberData({ imsi: b.userName, ...(b.msisdn ? { msisdn: b.msisdn } : {}) }); },
    },
    // SGsAP (TS 29.118): the MME of a visited PLMN to the VLR of the same PLMN.
    'sgsap/location-update': {
      procedure: 'SGsAP-Location-Update',
      handle: (n, p, body, ctx) => n.vlrMme(p).sgsLocationUpdate(readBody(body, { imsi, mmeName: text, epsLocationUpdateType: text, newLai: lai }), ctx),
    },
    'sgsap/eps-detach': { procedure: 'SGsAP-EPS-Detach', handle: (n, p, body) => n.vlrMme(p).sgsEpsDetach(readBody(body, { imsi, mmeName: text, detachType: text })) },
    'sgsap/imsi-detach': { procedure: 'SGsAP-IMSI-Detach', handle: (n, p, body, ctx) => n.vlrMme(p).sgsImsiDetach(readBody(body, { imsi, mmeName: text, detachType: text }), ctx) },
  },
};
