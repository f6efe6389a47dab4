/**
 * Learns a Diameter peer's identity from its CEA (RFC 6733 §5.3): connect, exchange CER/CEA as `local`, read
 * the Origin-Host and Origin-Realm it announces, then DPR and close. Used where only an address is given
 * (`roamsim load --hss HOST:PORT`) and the peer's identity is needed for routing.
 */
import { S6A_APPLICATION_ID } from './diameter';
import { DiameterNode } from './diameter-node';
import { knowsS6aAvp } from './s6a-codec';

export interface ProbedPeer {
  readonly host: string;
  readonly realm: string;
}

/** Resolves with the peer's identity, or rejects naming the address once `timeoutMs` passes without a CEA. */
export async function probeDiameterPeer(address: string, port: number, local: { host: string; realm: string }, timeoutMs: number, watchdogMs?: number): Promise<ProbedPeer> {
  // The node wants the peer's identity to dial it; any placeholder does, the CEA tells the real one.
  const node = new DiameterNode({
    applications: [S6A_APPLICATION_ID],
    local: { ...local, address: '127.0.0.1' },
    connectTo: [{ host: 'unknown.invalid', realm: 'invalid', address, port }],
    acceptPeer: () => false,
    knowsAvp: knowsS6aAvp,
    reconnect: { initialMs: 100, maxMs: 1000 },
    ...(watchdogMs === undefined ? {} : { watchdogMs }),
  });
  await node.start();
  try {
    const deadline = Date.now() + timeoutMs;
    while (node.openPeers.length === 0) {
      if (Date.now() >= deadline) throw new Error(`no Diameter peer at ${address}:${port} completed CER/CEA within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const remote = node.peer(node.openPeers[0] as string)?.remote;
    if (!remote) throw new Error(`the Diameter peer at ${address}:${port} closed right after CER/CEA`);
    return { host: remote.host, realm: remote.realm };
  } finally {
    await node.close();
  }
}
