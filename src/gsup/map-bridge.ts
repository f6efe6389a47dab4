import type { ProtocolError } from '../protocol/codes';
import { type GsupMessage, describeType } from '../protocol/gsup';
import { mapErrorFromGmm } from '../protocol/gsup-causes';
import type { Rat } from '../protocol/rat';
import type { TransportReply } from '../roaming/transport';
import type { GsupClient } from './client';
import { GsupClosed, GsupTimeout } from './endpoint';
import { GSUP_RAT_OF } from './hlr';

/**
 * A VLR's MAP request to its home HLR (the body the link sends: `imsi`, `numberOfRequestedVectors`, `rat`, …)
 * carried as GSUP on a connected client, and the answer read back in the shape the link reads: `{ result }`
 * with quintuplets (triplets only for tuples without the UMTS parts) as hex strings, or `{ error }` with the MAP name of the GMM cause. A deadline
 * that passes is "no answer"; a lost connection is a transport error.
 */
export async function mapOverGsup(client: Promise<GsupClient>, operation: string, request: Record<string, unknown>): Promise<TransportReply> {
  const imsi = String(request.imsi);
  const rat = (request.rat as Rat | undefined) ?? 'GSM';
  try {
    const connected = await client;
    switch (operation) {
      case 'map/send-authentication-info': {
        // A resynchronisation rides as the RAND and AUTS IEs of the same SendAuthInfo (osmo's form of MAP re-synchronisationInfo).
        const resync = request.resync as { rand?: unknown; auts?: unknown } | undefined;
        const auts = typeof resync?.rand === 'string' && typeof resync.auts === 'string' ? { rand: Buffer.from(resync.rand, 'hex'), auts: Buffer.from(resync.auts, 'hex') } : {};
        const answer = await connected.sendAuthInfo(imsi, { cnDomain: 'CS', numVectors: Number(request.numberOfRequestedVectors ?? 1), currentRat: GSUP_RAT_OF[rat], ...auts });
        return mapReply(answer, () => {
          const tuples = answer.authTuples ?? [];
          const hex = (value: Buffer | undefined) => value?.toString('hex') ?? '';
          // The AuC answers quintuplets whatever the access (the VLR converts for GERAN, TS 33.102 §6.8.1.2);
          // a tuple without the UMTS parts (a GSM-only SIM on a real HLR) stays a triplet.
          const umts = tuples.length > 0 && tuples.every((t) => t.res && t.ck && t.ik && t.autn);
          return umts
            ? { quintuplets: tuples.map((t) => ({ rand: hex(t.rand), xres: hex(t.res), ck: hex(t.ck), ik: hex(t.ik), autn: hex(t.autn) })) }
            : { triplets: tuples.map((t) => ({ rand: hex(t.rand), sres: hex(t.sres), kc: hex(t.kc) })) };
        });
      }
      case 'map/update-location': {
        const answer = await connected.updateLocation(imsi, { cnDomain: 'CS', currentRat: GSUP_RAT_OF[rat] });
        return mapReply(answer, () => ({}));
      }
      case 'map/authentication-failure-report': {
        // GSUP's AuthFailureReport carries no cause and has no answer (TS 29.002 §8.5.3 in osmo's form): sent, acknowledged here.
        connected.authFailureReport(imsi, 'CS');
        return { kind: 'answer', body: { result: {} } };
      }
      case 'map/purge-ms': {
        const answer = await connected.purgeMs(imsi, 'CS');
        return mapReply(answer, () => ({ freezeTmsi: answer.freezePtmsi === true }));
      }
      default:
        return { kind: 'transport-error', detail: `GSUP has no form for ${operation}` };
    }
  } catch (error) {
    if (error instanceof GsupTimeout) return { kind: 'no-answer' };
    if (error instanceof GsupClosed || error instanceof Error) return { kind: 'transport-error', detail: error.message };
    throw error;
  }
}

/** A GSUP answer in the shape the link reads: `{ result }` or `{ error }` with the MAP name of the GMM cause. */
export function mapReply(answer: GsupMessage, result: () => Record<string, unknown>): TransportReply {
  if (describeType(answer.type)?.kind === 'error') {
    const error: ProtocolError = mapErrorFromGmm(answer.cause);
    return { kind: 'answer', body: { error } };
  }
  return { kind: 'answer', body: { result: result() } };
}
