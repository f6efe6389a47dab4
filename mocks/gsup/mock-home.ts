import { refusalError } from '../../src/roaming/decisions';
import type { MockNetwork } from '../network';
import { mapError } from '../../src/protocol/codes';
import { gsmFromUmts } from '../../src/protocol/milenage';
import { nodeRef } from '../../src/roaming/addresses';
import type { Route } from '../../src/roaming/transport';
import { SQN_STEP } from '../../src/subscribers/store';
import { gsupTuple, sqnFromAuts } from '../../src/gsup/auc';
import type { GsupHome, HomeAnswer } from '../../src/gsup/hlr';

/**
 * The one binding between the GSUP HLR and the embedded home networks: each GSUP request becomes the MAP
 * operation the in-process HLR serves (same validation, fault rules, agreements, barring, ISD and cancel
 * through the network's link), so a journey gets the same verdict over the wire. Two things MAP's embedded
 * HLR has no operation for are served from the same records and keys: E-UTRAN vectors for a GSUP SAI with
 * RAT type 3 (AMF separation bit) and resynchronisation with AUTS.
 */
export function mockHome(network: MockNetwork): GsupHome {
  let transactionId = 0;
  const homeOf = (imsi: string): string | undefined =>
    network.store.record(imsi)?.identity.homePlmn ??
    network.config.networks.find((candidate) => imsi.startsWith(candidate.plmn.replace('-', '')))?.plmn;

  const dispatch = async (imsi: string, operation: string, body: Record<string, unknown>): Promise<HomeAnswer<Record<string, unknown>>> => {
    const home = homeOf(imsi);
    if (!home) return { error: refusalError('unknownSubscriber', 'MAP') };
    const route: Route = { element: 'hlr-hss', plmn: home, operation };
    const dispatched = await network.dispatch(route, body, { deadline: network.clock.now() + network.config.retry.requestTimeoutMs, transactionId: ++transactionId });
    if (dispatched.status === 'no-answer') return { noAnswer: true };
    if (dispatched.status !== 200) return { error: mapError('unexpectedDataValue') };
    const answer = dispatched.body as { result?: Record<string, unknown>; error?: unknown };
    return answer.result ? { result: answer.result } : { error: answer.error as never };
  };

  return {
    async sendAuthInfo(imsi, request) {
      const record = network.store.record(imsi);
      if (record && (request.resync || request.eutran)) {
        const keys = network.store.aucKeys(imsi);
        if (request.resync) {
          const sqnMs = sqnFromAuts(keys, request.resync.rand, request.resync.auts);
          // osmo-hlr refuses an AUTS whose MAC-S fails (its AuC stops at the failed resync); the GSUP HLR does
          // the same. The embedded MAP/S6a AuC follows TS 33.102 §6.3.5 instead (vectors, SQN_HE unchanged).
          if (sqnMs === undefined) return { error: mapError('unexpectedDataValue') };
          record.sqn = Math.max(record.sqn, sqnMs);
        }
        if (request.eutran) {
          const tuples = [];
          for (let i = 0; i < request.count; i++) {
            record.sqn += SQN_STEP;
            tuples.push(gsupTuple(keys, record.sqn, network.random.bytes(16), true));
          }
          return { result: { tuples } };
        }
      }
      // Quintuplets from the embedded HLR; SRES/Kc by the same c2/c3 conversion its GSM triplets use.
      const answer = await dispatch(imsi, 'map/send-authentication-info', { imsi, numberOfRequestedVectors: request.count, rat: 'UMTS' });
      if (!('result' in answer)) return answer;
      const quintuplets = (answer.result.quintuplets ?? []) as Array<Record<string, string>>;
      const tuples = quintuplets.map((q) => {
        const [rand, res, ck, ik, autn] = [q.rand, q.xres, q.ck, q.ik, q.autn].map((value) => Buffer.from(value, 'hex'));
        const gsm = gsmFromUmts(res, ck, ik);
        return { rand, sres: gsm.sres, kc: gsm.kc, ik, ck, autn, res };
      });
      return { result: { tuples } };
    },

    updateLocation(imsi, request) {
      const visited = request.visitedPlmn ?? homeOf(imsi);
      if (!visited) return Promise.resolve({ error: refusalError('unknownSubscriber', 'MAP') });
      const vlr = nodeRef('VLR', visited).address;
      return dispatch(imsi, 'map/update-location', { imsi, mscNumber: vlr, vlrNumber: vlr, visitedPlmn: visited, rat: request.rat === 'LTE' ? 'UMTS' : request.rat });
    },

    purge(imsi, request) {
      const visited = request.visitedPlmn ?? homeOf(imsi);
      if (!visited) return Promise.resolve({ error: refusalError('unknownSubscriber', 'MAP') });
      return dispatch(imsi, 'map/purge-ms', { imsi, vlrNumber: nodeRef('VLR', visited).address });
    },
  };
}
