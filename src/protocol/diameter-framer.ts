/**
 * Cuts a TCP byte stream into Diameter messages (RFC 6733 §3: the 24-bit Message Length covers the header
 * and the padded AVPs). Messages split across segments are held until complete; several in one segment come
 * out one by one. A header that cannot be a Diameter message (version not 1, a length below 20, not a
 * multiple of 4 or above the limit) means the stream has lost its framing for good: the framer stops and the
 * connection must be closed (after a DPR), since nothing later in the stream can be trusted.
 */
import { HEADER_LENGTH } from './diameter-decode';

/** Far above any S6a message; a peer announcing more is not speaking Diameter to us. */
export const DEFAULT_MAX_MESSAGE = 1 << 20;

export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

export class DiameterFramer {
  private buffered: Buffer = Buffer.alloc(0);
  private broken: FramingError | undefined;

  constructor(private readonly maxMessage = DEFAULT_MAX_MESSAGE) {}

  /** Bytes held that do not make a whole message yet. */
  get pending(): number {
    return this.buffered.length;
  }

  /** Adds bytes and returns every message now complete; throws FramingError once the framing is lost. */
  push(chunk: Buffer): Buffer[] {
    if (this.broken) throw this.broken;
    let data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out: Buffer[] = [];
    while (data.length >= 4) {
      const version = data[0] as number;
      const length = data.readUIntBE(1, 3);
      const problem =
        version !== 1
          ? `version ${version}, not 1`
          : length < HEADER_LENGTH
            ? `message length ${length} is below the ${HEADER_LENGTH}-byte header`
            : length % 4 !== 0
              ? `message length ${length} is not a multiple of 4`
              : length > this.maxMessage
                ? `message length ${length} is above the ${this.maxMessage}-byte limit`
                : undefined;
      if (problem) {
        this.buffered = Buffer.alloc(0);
        this.broken = new FramingError(`the stream is not Diameter any more: ${problem}`);
        throw this.broken;
      }
      if (data.length < length) break;
      // A copy: the message outlives the chunk it came in, which the socket may reuse.
      out.push(Buffer.from(data.subarray(0, length)));
      data = data.subarray(length);
    }
    this.buffered = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
    return out;
  }
}
