/**
 * Per-scenario capture: records the scenario's signalling events from the bus and, at the end, writes
 * `<dir>/<feature-slug>/<scenario-slug>.pcap` and renders the ladder. A capture must never fail a run:
 * every error is caught, counted through `onFailure`, and a folder that cannot be created is reported once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBus, SignallingEvent } from '../roaming/events';
import type { Pseudonymizer } from '../subscribers/pseudonym';
import { buildFrames, type SkippedEvent } from './frames';
import { buildLadder, renderHtml, renderMermaid } from './ladder';
import { encodePcap, LINKTYPE_ETHERNET } from './pcap-writer';
import { scrubDiameter } from './diameter-scrub';
import { type Endpoint, type PcapRecord } from './pcap-writer';
import { MSISDN_KEEP, mccMncLength, scrubEvents } from './scrub';
import { TcpFramer } from './tcp-framer';

/** A Diameter message as it crossed a real TCP connection (wire mode). */
export interface WireMessage {
  /** ms since the epoch on the scenario's clock. */
  readonly time: number;
  /** The side that connected, and the listening side. */
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly fromClient: boolean;
  readonly bytes: Buffer;
}

export interface CaptureOptions {
  /** Base folder, e.g. reports/pcap. */
  readonly dir: string;
  /** Pseudonymise identities and zero vectors before anything is encoded (the default in a run). */
  readonly scrub: boolean;
  readonly pseudonymizer: Pseudonymizer;
  readonly warn: (msg: string) => void;
  /** Called once per failed capture (the failure counter). */
  readonly onFailure?: () => void;
  /** What the run's recorders share (folders reported, files written); each recorder has its own when absent. */
  readonly run?: CaptureRun;
}

/** Folders already reported and files already written in one run: the run owns one and hands it to its recorders. */
export class CaptureRun {
  readonly reportedFolders = new Set<string>();
  readonly reportedProblems = new Set<string>();
  readonly writtenPaths = new Set<string>();
}

export interface CaptureResult {
  readonly path?: string;
  readonly pcap?: Buffer;
  readonly mermaid: string;
  readonly html: string;
  readonly skipped: SkippedEvent[];
}

/** A file-name-safe slug: lower case ASCII letters, digits and dashes. */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return s.length > 0 ? s : 'unnamed';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class CaptureRecorder {
  private events: SignallingEvent[] = [];
  private unsubscribe: (() => void) | undefined;
  private feature = '';
  private scenario = '';
  private started = false;
  private wire: (() => readonly WireMessage[]) | undefined;

  private readonly run: CaptureRun;

  constructor(private readonly opts: CaptureOptions) {
    this.run = opts.run ?? new CaptureRun();
  }

  /**
   * Wire mode: the S6a frames of the capture are the Diameter messages that crossed real sockets (handshake,
   * CER/CEA, DWR/DWA, DPR/DPA included) instead of frames built from events.
   */
  setWire(source: () => readonly WireMessage[]): void {
    this.wire = source;
  }

  start(bus: EventBus, feature: string, scenario: string): void {
    this.stopListening();
    this.started = true;
    this.events = [];
    this.feature = feature;
    this.scenario = scenario;
    const events = this.events;
    this.unsubscribe = bus.onSignalling((event) => {
      events.push(event);
    });
  }

  finish(): CaptureResult {
    this.stopListening();
    const events = this.events;
    this.events = [];
    let skipped: SkippedEvent[] = [];
    let mermaid = '';
    let html = '';
    if (!this.started) return { mermaid, html, skipped };
    this.started = false;
    let prepared: SignallingEvent[];
    try {
      prepared = this.opts.scrub ? scrubEvents(events, this.opts.pseudonymizer) : [...events];
    } catch (error) {
      // Without a scrubbed copy nothing may leave the process.
      this.fail('scrub', error);
      return { mermaid, html, skipped };
    }
    const title = `${this.feature} — ${this.scenario}`;
    try {
      const ladder = buildLadder(prepared);
      mermaid = renderMermaid(ladder);
      html = renderHtml(ladder, title);
    } catch (error) {
      this.fail('ladder', error);
    }
    let pcap: Buffer | undefined;
    try {
      const set = buildFrames(prepared);
      skipped = set.skipped;
      let records: PcapRecord[] = set.frames.map((frame) => ({ time: frame.time, data: frame.data }));
      if (this.wire) {
        const onWire = this.wireRecords(this.wire(), events);
        records = [...set.frames.filter((frame) => frame.protocol !== 'S6a').map((frame) => ({ time: frame.time, data: frame.data })), ...onWire];
        // Stable: frames of the same instant keep the order they were made in.
        records = records.map((r, i) => ({ r, i })).sort((a, b) => a.r.time - b.r.time || a.i - b.i).map(({ r }) => r);
      }
      pcap = encodePcap(records, LINKTYPE_ETHERNET);
    } catch (error) {
      this.fail('encode', error);
      return { mermaid, html, skipped };
    }
    const folder = join(this.opts.dir, slug(this.feature));
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      this.countFailure();
      if (!this.run.reportedFolders.has(this.opts.dir)) {
        this.run.reportedFolders.add(this.opts.dir);
        this.say(`packet captures are off for this run: cannot create ${folder}: ${message(error)}`);
      }
      return { pcap, mermaid, html, skipped };
    }
    const base = join(folder, slug(this.scenario));
    let path = `${base}.pcap`;
    // Scenario-outline rows share a name: keep each row's file.
    for (let n = 2; this.run.writtenPaths.has(path); n++) path = `${base}-${n}.pcap`;
    try {
      writeFileSync(path, pcap);
      this.run.writtenPaths.add(path);
    } catch (error) {
      this.fail('write', error, path);
      return { pcap, mermaid, html, skipped };
    }
    return { path, pcap, mermaid, html, skipped };
  }

  /** The wire messages as TCP frames, scrubbed first when the run scrubs (the checksums cover what is written). */
  private wireRecords(messages: readonly WireMessage[], events: readonly SignallingEvent[]): PcapRecord[] {
    const homes = new Map(events.map((e) => [e.subscriber.imsi, e.homePlmn]));
    const { pseudonymizer } = this.opts;
    const scrubber = {
      imsi: (imsi: string) => pseudonymizer.imsi(imsi, mccMncLength(homes.get(imsi) ?? '')),
      msisdn: (msisdn: string) => pseudonymizer.msisdn(msisdn, MSISDN_KEEP),
    };
    const framer = new TcpFramer();
    const out: PcapRecord[] = [];
    for (const m of messages) {
      const bytes = this.opts.scrub ? scrubDiameter(m.bytes, scrubber) : m.bytes;
      const frames = framer.frames(m.client, m.server, m.fromClient, bytes);
      // Handshake and segment share the instant; a microsecond apart keeps their order in any reader.
      frames.forEach((data, i) => out.push({ time: m.time + (i - frames.length + 1) / 1000, data }));
    }
    return out;
  }

  private fail(stage: string, error: unknown, path?: string): void {
    this.countFailure();
    const key = `${stage}|${this.opts.dir}|${message(error)}`;
    if (this.run.reportedProblems.has(key)) return;
    this.run.reportedProblems.add(key);
    this.say(`packet capture ${stage} failed for "${this.scenario}"${path ? ` (${path})` : ''}: ${message(error)}`);
  }

  // A failing logger or counter must not fail the scenario either.
  private say(text: string): void {
    try {
      this.opts.warn(text);
    } catch {
      /* ignored */
    }
  }

  private countFailure(): void {
    try {
      this.opts.onFailure?.();
    } catch {
      /* ignored */
    }
  }

  private stopListening(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
