import { expect, test } from '@playwright/test';
import { MME_HOST, VLR_NUMBER, addFault, answer, apiEnv, clearFaults, expectProblem, provision } from './support';

// Subscribers 100..199 of 234-15 belong to this file. 234-15 has agreements with 262-01 (GSM, UMTS, LTE)
// and 310-260 (UMTS, LTE) in config/roaming.yaml, none with 440-10.

const hlr = (path: string) => `${apiEnv().hlr}/hlr-hss/234-15/${path}`;
const vlr = (plmn: string, path: string) => `${apiEnv().vlr}/vlr-mme/${plmn}/${path}`;
const UNKNOWN_IMSI = '234150000000001';

test.describe('HLR/HSS over MAP (GSM, UMTS)', () => {
  // TS 33.102 §6.8.1.2: the AuC answers a v3 VLR with quintuplets for a USIM subscriber on every access; the
  // VLR derives SRES/Kc itself for a GERAN access.
  test('SendAuthenticationInfo answers quintuplets for a USIM subscriber, on GERAN as on UTRAN', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 100);
    const gsm = await answer(await request.post(hlr('map/send-authentication-info'), { data: { imsi, numberOfRequestedVectors: 2, rat: 'GSM' } }));
    const geran = gsm.result?.quintuplets as Array<Record<string, string>>;
    expect(geran).toHaveLength(2);
    expect(geran[0]).toEqual({ rand: expect.stringMatching(/^[0-9a-f]{32}$/), xres: expect.stringMatching(/^[0-9a-f]{8,32}$/), ck: expect.stringMatching(/^[0-9a-f]{32}$/), ik: expect.stringMatching(/^[0-9a-f]{32}$/), autn: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(gsm.result?.triplets).toBeUndefined();
    const umts = await answer(await request.post(hlr('map/send-authentication-info'), { data: { imsi, numberOfRequestedVectors: 1, rat: 'UMTS' } }));
    expect(Object.keys((umts.result?.quintuplets as Array<Record<string, string>>)[0]).sort()).toEqual(['autn', 'ck', 'ik', 'rand', 'xres']);
  });

  test('SendAuthenticationInfo for an unknown subscriber answers unknownSubscriber', async ({ request }) => {
    const body = await answer(await request.post(hlr('map/send-authentication-info'), { data: { imsi: UNKNOWN_IMSI, numberOfRequestedVectors: 1, rat: 'GSM' } }));
    expect(body.error).toMatchObject({ kind: 'map', name: 'unknownSubscriber', code: 1 });
  });

  test('UpdateLocation is accepted under an agreement, refused without one', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 101);
    const accepted = await answer(
      await request.post(hlr('map/update-location'), { data: { imsi, mscNumber: VLR_NUMBER, vlrNumber: VLR_NUMBER, visitedPlmn: '262-01', rat: 'UMTS' } }),
    );
    expect(accepted.result).toEqual({ hlrNumber: expect.stringMatching(/^\d{5,15}$/) });
    const refused = await answer(
      await request.post(hlr('map/update-location'), { data: { imsi, mscNumber: '8199010200001', vlrNumber: '8199010200001', visitedPlmn: '440-10', rat: 'GSM' } }),
    );
    expect(refused.error).toMatchObject({ kind: 'map', name: 'roamingNotAllowed', code: 8, cause: 'plmnRoamingNotAllowed' });
  });

  test('PurgeMS answers freezeTmsi, and unknownSubscriber for an unknown one', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 102);
    expect((await answer(await request.post(hlr('map/purge-ms'), { data: { imsi, vlrNumber: VLR_NUMBER } }))).result).toEqual({ freezeTmsi: true });
    expect((await answer(await request.post(hlr('map/purge-ms'), { data: { imsi: UNKNOWN_IMSI, vlrNumber: VLR_NUMBER } }))).error).toMatchObject({ name: 'unknownSubscriber' });
  });
});

test.describe('HLR/HSS over S6a (LTE)', () => {
  test('Authentication-Information answers E-UTRAN vectors; an unknown user is 5001', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 110);
    const air = await answer(await request.post(hlr('s6a/authentication-information'), { data: { userName: imsi, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 } }));
    expect(Object.keys((air.result?.eutranVectors as Array<Record<string, string>>)[0]).sort()).toEqual(['autn', 'kasme', 'rand', 'xres']);
    const unknown = await answer(await request.post(hlr('s6a/authentication-information'), { data: { userName: UNKNOWN_IMSI, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 } }));
    expect(unknown.error).toEqual({ kind: 'diameter-experimental', name: 'DIAMETER_ERROR_USER_UNKNOWN', code: 5001, vendorId: 10415 });
  });

  test('Update-Location is accepted under an agreement, 5004 without one', async ({ request }) => {
    const { imsi, msisdn } = await provision(request, '234-15', 111);
    const ula = await answer(await request.post(hlr('s6a/update-location'), { data: { userName: imsi, visitedPlmnId: '310-260', ratType: 'EUTRAN', ulrFlags: 0x22 } }));
    expect(ula.result).toMatchObject({ ulaFlags: 1, msisdn, profile: 'postpaid' });
    // The Subscription-Data of the profile rides in the ULA (TS 29.272 §7.3.2): MSISDN and the APN configuration.
    expect(ula.result?.subscription).toMatchObject({ msisdn, apns: [expect.objectContaining({ name: 'internet' })] });
    const refused = await answer(await request.post(hlr('s6a/update-location'), { data: { userName: imsi, visitedPlmnId: '440-10', ratType: 'EUTRAN', ulrFlags: 0x22 } }));
    expect(refused.error).toMatchObject({ kind: 'diameter-experimental', name: 'DIAMETER_ERROR_ROAMING_NOT_ALLOWED', code: 5004 });
  });

  test('Purge-UE answers puaFlags', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 112);
    expect((await answer(await request.post(hlr('s6a/purge-ue'), { data: { userName: imsi, originHost: MME_HOST } }))).result).toEqual({ puaFlags: 1 });
  });
});

test.describe('VLR/MME', () => {
  test('an attach fetches a vector from the home network and challenges the UE', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 120);
    const lte = await answer(await request.post(vlr('262-01', 'ue/attach'), { data: { imsi, homePlmn: '234-15', rat: 'LTE' } }));
    expect(lte.result).toEqual({ rand: expect.stringMatching(/^[0-9a-f]{32}$/), autn: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const gsm = await answer(await request.post(vlr('262-01', 'ue/attach'), { data: { imsi, homePlmn: '234-15', rat: 'GSM' } }));
    expect(gsm.result).toEqual({ rand: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  test('an attach of a subscriber the home network does not know is refused', async ({ request }) => {
    const body = await answer(await request.post(vlr('262-01', 'ue/attach'), { data: { imsi: UNKNOWN_IMSI, homePlmn: '234-15', rat: 'LTE' } }));
    expect(body.error).toMatchObject({ name: 'DIAMETER_ERROR_USER_UNKNOWN', code: 5001 });
  });

  test('a wrong RES fails authentication; a location update before authentication is refused', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 121);
    await answer(await request.post(vlr('208-01', 'ue/attach'), { data: { imsi, homePlmn: '234-15', rat: 'UMTS' } }));
    const wrong = await answer(await request.post(vlr('208-01', 'ue/authentication'), { data: { imsi, res: '0000000000000000' } }));
    expect(wrong.error).toMatchObject({ kind: 'local', name: 'authenticationFailure' });
    const early = await answer(await request.post(vlr('208-01', 'ue/security-mode-complete'), { data: { imsi } }));
    expect(early.error).toMatchObject({ kind: 'local', name: 'authenticationFailure' });
  });

  // TS 33.102 §6.3.5: a synch failure with AUTS makes the VLR resynchronise (SAI with resync) and challenge
  // again, once per attach. This AUTS is not the USIM's (MAC-S fails): the AuC resets nothing but still answers.
  test('a synch failure with AUTS is answered by a new challenge, a second one is refused; a malformed AUTS is a 400', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 123);
    const first = await answer(await request.post(vlr('262-01', 'ue/attach'), { data: { imsi, homePlmn: '234-15', rat: 'UMTS' } }));
    const auts = 'a5'.repeat(14);
    const again = await answer(await request.post(vlr('262-01', 'ue/authentication'), { data: { imsi, failure: 'synchFailure', auts } }));
    expect(again.result).toEqual({ rand: expect.stringMatching(/^[0-9a-f]{32}$/), autn: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(again.result?.rand).not.toEqual(first.result?.rand);
    const refused = await answer(await request.post(vlr('262-01', 'ue/authentication'), { data: { imsi, failure: 'synchFailure', auts } }));
    expect(refused.error).toMatchObject({ kind: 'local', name: 'authenticationFailure' });
    await expectProblem(await request.post(vlr('262-01', 'ue/authentication'), { data: { imsi, failure: 'synchFailure', auts: 'a5'.repeat(13) } }), 400, 'auts');
    await expectProblem(
      await request.post(hlr('map/send-authentication-info'), { data: { imsi, numberOfRequestedVectors: 1, rat: 'UMTS', resync: { rand: '00'.repeat(16), auts: 'zz' } } }),
      400,
      'resync.auts',
    );
  });

  test('detach, cancel location and insert subscriber data answer for a subscriber not served', async ({ request }) => {
    const { imsi, msisdn } = await provision(request, '234-15', 122);
    expect((await answer(await request.post(vlr('262-01', 'ue/detach'), { data: { imsi } }))).result).toEqual({ detached: true, purged: false });
    expect((await answer(await request.post(vlr('262-01', 'map/cancel-location'), { data: { imsi, cancellationType: 'updateProcedure' } }))).result).toEqual({});
    expect((await answer(await request.post(vlr('262-01', 's6a/cancel-location'), { data: { userName: imsi, cancellationType: 'MME_UPDATE_PROCEDURE' } }))).result).toEqual({});
    expect((await answer(await request.post(vlr('262-01', 'map/insert-subscriber-data'), { data: { imsi, msisdn } }))).result).toEqual({});
  });

  // TS 29.118: the MME's SGs requests to the VLR of the same network, as the live mocks serve them.
  test('SGs: a location update answers the LAI, or the HLR refusal with its MM reject cause; the detach indications are acknowledged', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 123);
    const mmeName = 'mmec01.mmegi8001.mme.epc.mnc001.mcc262.3gppnetwork.org';
    const lu = await answer(await request.post(vlr('262-01', 'sgsap/location-update'), { data: { imsi, mmeName, epsLocationUpdateType: 'imsi-attach', newLai: { plmn: '262-01', lac: 4660 } } }));
    expect(lu.result).toEqual({ lai: { plmn: '262-01', lac: 4660 } });
    expect((await answer(await request.post(vlr('262-01', 'sgsap/eps-detach'), { data: { imsi, mmeName, detachType: 'ue-initiated' } }))).result).toEqual({});
    expect((await answer(await request.post(vlr('262-01', 'sgsap/imsi-detach'), { data: { imsi, mmeName, detachType: 'combined-ue-initiated' } }))).result).toEqual({});
    const refused = await answer(await request.post(vlr('440-10', 'sgsap/location-update'), { data: { imsi, mmeName, epsLocationUpdateType: 'imsi-attach', newLai: { plmn: '440-10', lac: 1 } } }));
    expect(refused).toMatchObject({ error: { kind: 'map', name: 'roamingNotAllowed' }, rejectCause: 11 });
  });

  test('SGs: a location area outside the 16-bit LAC range is a 400 naming the field', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 124);
    const response = await request.post(vlr('262-01', 'sgsap/location-update'), { data: { imsi, mmeName: 'mme', epsLocationUpdateType: 'imsi-attach', newLai: { plmn: '262-01', lac: 70000 } } });
    expect(response.status()).toBe(400);
    expect((await response.json()).field).toBe('newLai.lac');
  });
});

test.describe('fault rules set through the admin endpoint', () => {
  test.afterEach(async ({ request }) => clearFaults(request));

  test('the next N requests answer the error, then the element answers normally', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 130);
    await addFault(request, { operation: 'SendAuthenticationInfo', action: 'error', error: 'systemFailure', count: 1 });
    const data = { imsi, numberOfRequestedVectors: 1, rat: 'GSM' };
    expect((await answer(await request.post(hlr('map/send-authentication-info'), { data }))).error).toEqual({ kind: 'map', name: 'systemFailure', code: 34 });
    expect((await answer(await request.post(hlr('map/send-authentication-info'), { data }))).result?.quintuplets).toHaveLength(1);
  });

  test('a rule written with a MAP name answers in S6a terms on LTE', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 131);
    await addFault(request, { operation: 'UpdateLocation', action: 'error', error: 'systemFailure', percent: 100 });
    const body = await answer(await request.post(hlr('s6a/update-location'), { data: { userName: imsi, visitedPlmnId: '262-01', ratType: 'EUTRAN', ulrFlags: 0 } }));
    expect(body.error).toEqual({ kind: 'diameter-result', name: 'DIAMETER_TOO_BUSY', code: 3004 });
  });

  test('a silent element answers 504 marked no-answer once the caller\'s deadline passed', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 132);
    await addFault(request, { operation: 'AIR', action: 'no-answer' });
    const response = await request.post(hlr('s6a/authentication-information'), {
      headers: { 'x-roamsim-deadline': String(Date.now() + 200) },
      data: { userName: imsi, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 },
    });
    expect(response.status()).toBe(504);
    expect(response.headers()['x-roamsim-no-answer']).toBe('1');
  });

  test('a delay under the deadline is answered late, one past it is no answer', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 133);
    await addFault(request, { operation: 'PurgeMS', action: 'delay', ms: 150 });
    const started = Date.now();
    expect((await answer(await request.post(hlr('map/purge-ms'), { data: { imsi, vlrNumber: VLR_NUMBER } }))).result).toEqual({ freezeTmsi: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    const late = await request.post(hlr('map/purge-ms'), { headers: { 'x-roamsim-deadline': String(Date.now() + 100) }, data: { imsi, vlrNumber: VLR_NUMBER } });
    expect(late.status()).toBe(504);
    expect(late.headers()['x-roamsim-no-answer']).toBe('1');
  });
});
