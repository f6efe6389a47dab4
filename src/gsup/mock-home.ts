import { decideUpdateLocation, refusalError } from '../../mocks/hlr-hss/decisions';
import type { MockNetwork } from '../../mocks/network';
import { mapError } from '../protocol/codes';
import { nodeRef } from '../roaming/addresses';
import { SQN_STEP } from '../subscribers/store';
import { gsupTuple, sqnFromAuts } from './auc';
import type { GsupHome } from './hlr';

/**
 * The one binding between the GSUP HLR and the embedded home networks: the same store, agreements and
 * decisions (mocks/hlr-hss/decisions.ts) as the in-process HLR, so a journey gets the same verdict over the
 * wire. A serving node whose name declares no visited PLMN is taken as one of the home network.
 */
export function mockHome(network: MockNetwork): GsupHome {
  return {
    authTuples(imsi, request) {
      const record = network.store.record(imsi);
      if (!record) return { error: refusalError('unknownSubscriber', 'MAP') };
      const keys = network.store.aucKeys(imsi);
      if (request.resync) {
        const sqnMs = sqnFromAuts(keys, request.resync.rand, request.resync.auts);
        if (sqnMs === undefined) return { error: mapError('unexpectedDataValue') };
        record.sqn = Math.max(record.sqn, sqnMs);
      }
      const tuples = [];
      for (let i = 0; i < request.count; i++) {
        record.sqn += SQN_STEP;
        tuples.push(gsupTuple(keys, record.sqn, network.random.bytes(16), request.eutran));
      }
      return { tuples };
    },

    decideLocation(imsi, request) {
      const record = network.store.record(imsi);
      const homePlmn = record?.identity.homePlmn ?? '';
      const visitedPlmn = request.visitedPlmn ?? homePlmn;
      const decision = decideUpdateLocation({
        record,
        homePlmn,
        visitedPlmn,
        rat: request.rat,
        agreement: network.agreements.find(homePlmn, visitedPlmn),
        profileAllowsRoaming: record ? network.profileAllowsRoaming(record.identity.profile) : true,
      });
      if (!decision.ok) return { error: refusalError(decision.refusal, 'MAP') };
      return { msisdn: (record as NonNullable<typeof record>).identity.msisdn };
    },

    commitLocation(imsi, request) {
      const record = network.store.record(imsi);
      if (!record) return;
      const plmn = request.visitedPlmn ?? record.identity.homePlmn;
      record.location = { node: { ...nodeRef('VLR', plmn), address: request.vlrName }, rat: request.rat, since: network.clock.now() };
    },

    purge(imsi, request) {
      const record = network.store.record(imsi);
      if (!record) return refusalError('unknownSubscriber', 'MAP');
      if (record.location?.node.address === request.vlrName) delete record.location;
      return undefined;
    },
  };
}
