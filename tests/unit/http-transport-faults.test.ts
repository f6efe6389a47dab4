import assert from 'node:assert/strict';
import { type Server, type Socket, createServer } from 'node:net';
import { after, test } from 'node:test';
import { HttpTransport, type Route } from '../../src/roaming/transport';

// The live transport speaks HTTP/1.1 on node:net itself, below what an HTTP mocking library intercepts (those
// patch http.request and fetch). So its peer here is a raw TCP server that misbehaves the way a broken element
// or proxy does: a reset mid-answer, headers that never finish, a body shorter than its Content-Length,
// bytes that are not HTTP. Each must come back as a retryable transport error or a timeout — never a hang,
// never a crash, never a wrong answer.

type Behaviour = (socket: Socket, request: string) => void;

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

async function serve(behaviour: Behaviour): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(received.slice(0, end))?.[1] ?? 0);
      if (received.length < end + 4 + length) return;
      const request = received;
      received = '';
      behaviour(socket, request);
    });
  });
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

const ROUTE: Route = { element: 'hlr-hss', plmn: '234-15', operation: 'map/purge-ms' };

function transport(base: string, realClock: boolean): HttpTransport {
  return new HttpTransport('live', () => base, realClock ? { now: () => Date.now() } : undefined);
}

function answer(body: string, extra = ''): string {
  return `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

test('a well-formed answer is read (the control case for the faults below)', async () => {
  const base = await serve((socket) => socket.write(answer('{"result":{"freezeTmsi":true}}')));
  const client = transport(base, false);
  try {
    const reply = await client.send(ROUTE, { imsi: '234150000000001' }, { deadline: Date.now() + 5_000, transactionId: 1 });
    assert.deepEqual(reply, { kind: 'answer', body: { result: { freezeTmsi: true } } });
  } finally {
    client.close();
  }
});

test('a connection reset in the middle of the answer is a transport error (transient, retried by the link)', async () => {
  const base = await serve((socket) => {
    socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n{"res');
    setImmediate(() => socket.resetAndDestroy());
  });
  const client = transport(base, false);
  try {
    const reply = await client.send(ROUTE, { imsi: '234150000000001' }, { deadline: Date.now() + 5_000, transactionId: 2 });
    assert.equal(reply.kind, 'transport-error');
    assert.match((reply as { detail: string }).detail, /POST http:\/\/127\.0\.0\.1:\d+\/hlr-hss\/234-15\/map\/purge-ms/);
  } finally {
    client.close();
  }
});

test('a body shorter than its Content-Length, then a close, is a transport error, not a parsed answer', async () => {
  const base = await serve((socket) => {
    socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"result":{}}');
  });
  const client = transport(base, false);
  try {
    const reply = await client.send(ROUTE, { imsi: '234150000000001' }, { deadline: Date.now() + 5_000, transactionId: 3 });
    assert.equal(reply.kind, 'transport-error');
    assert.match((reply as { detail: string }).detail, /closed before the answer was complete/);
  } finally {
    client.close();
  }
});

test('headers that never finish end at the caller deadline on a real clock (no hang), as no answer', async () => {
  const base = await serve((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-type: appl'));
  const client = transport(base, true);
  try {
    const reply = await client.send(ROUTE, { imsi: '234150000000001' }, { deadline: Date.now() + 300, transactionId: 4 });
    assert.deepEqual(reply, { kind: 'no-answer' });
  } finally {
    client.close();
  }
});

test('a server that closes without a byte is a transport error; the next request opens a new connection', async () => {
  let calls = 0;
  const base = await serve((socket) => {
    calls++;
    if (calls === 1) socket.destroy();
    else socket.write(answer('{"result":{"puaFlags":1}}'));
  });
  const client = transport(base, false);
  try {
    const first = await client.send(ROUTE, { imsi: '234150000000001' }, { deadline: Date.now() + 5_000, transactionId: 5 });
    assert.equal(first.kind, 'transport-error');
    const second = await client.send(ROUTE, { imsi: '234150000000001' }, { deadline: Date.now() + 5_000, transactionId: 6 });
    assert.deepEqual(second, { kind: 'answer', body: { result: { puaFlags: 1 } } });
  } finally {
    client.close();
  }
});

test('bytes that are not HTTP, and an answer outside the contract, never pass as an answer', async () => {
  const garbage = await serve((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
  const client = transport(garbage, false);
  try {
    const reply = await client.send(ROUTE, { imsi: '234150000000001' }, { deadline: Date.now() + 5_000, transactionId: 7 });
    assert.equal(reply.kind, 'transport-error');
    assert.match((reply as { detail: string }).detail, /not an HTTP\/1\.x answer: "SSH-2\.0/);
  } finally {
    client.close();
  }
  const failing = await serve((socket) => socket.write('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\n\r\noops'));
  const second = transport(failing, false);
  try {
    await assert.rejects(second.send(ROUTE, { imsi: '234150000000001' }, { deadline: Date.now() + 5_000, transactionId: 8 }), /answered HTTP 500: oops/);
  } finally {
    second.close();
  }
  const notJson = await serve((socket) => socket.write(answer('{"result":')));
  const third = transport(notJson, false);
  try {
    await assert.rejects(third.send(ROUTE, { imsi: '234150000000001' }, { deadline: Date.now() + 5_000, transactionId: 9 }), SyntaxError);
  } finally {
    third.close();
  }
});
