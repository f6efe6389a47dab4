import { connect as tcpConnect } from 'node:net';
import { redactImsi } from './osmo-ctrl';

/**
 * One command on osmo-hlr's VTY (telnet, port 4258 in 1.5): `enable`, the command, and its output up to the
 * next prompt. Used where the VTY does more than CTRL: `update network-access-mode none` also pushes
 * DeleteSubscriberData to the subscriber's current VLR/SGSN, which CTRL's `cs-enabled 0` does not.
 * Output lines starting with `%` and naming a failure reject the promise.
 */
export function osmoVtyCommand(host: string, port: number, command: string, deadlineMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    let text = '';
    let stage: 'banner' | 'enable' | 'command' = 'banner';
    const done = (error?: Error, output?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(output ?? '');
    };
    const timer = setTimeout(() => done(new Error(redactImsi(`osmo-hlr VTY at ${host}:${port} did not finish "${command}" within ${deadlineMs} ms`))), deadlineMs);
    socket.once('error', (error: NodeJS.ErrnoException) => done(new Error(`osmo-hlr VTY at ${host}:${port}: cannot connect (${error.code ?? error.message})`)));
    socket.on('data', (chunk: Buffer) => {
      // Telnet option negotiation (IAC …) is ignored; only the prompts matter.
      text += chunk.toString('latin1');
      if (stage === 'banner' && /> $/.test(text)) {
        stage = 'enable';
        text = '';
        socket.write('enable\r\n');
      } else if (stage === 'enable' && /# $/.test(text)) {
        stage = 'command';
        text = '';
        socket.write(`${command}\r\n`);
      } else if (stage === 'command' && /# $/.test(text)) {
        const output = text.split(/\r?\n/).slice(1, -1).join('\n').trim();
        const failure = output.split('\n').find((line) => /^%.*(no subscriber|error|fail|invalid|unknown)/i.test(line));
        done(failure ? new Error(redactImsi(`osmo-hlr VTY refused "${command}": ${failure}`)) : undefined, output);
      }
    });
  });
}
