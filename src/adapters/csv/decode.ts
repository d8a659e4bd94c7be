/**
 * The bytes of an uploaded file → text, chunk by chunk: counted for progress, decoded incrementally (a character
 * cut between two chunks is joined), and with every line end made a line feed.
 */
import type { CsvEncoding } from './sniff.ts';

/** The input, pulled one chunk at a time (so the producer is never asked for more than the parser takes). */
export class ByteSource {
  private readonly iterator: AsyncIterator<Uint8Array | string>;
  /** Bytes taken from the input so far. */
  bytes = 0;

  constructor(input: NodeJS.ReadableStream | AsyncIterable<Uint8Array>) {
    this.iterator = (input as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  }

  async next(): Promise<Uint8Array | undefined> {
    const step = await this.iterator.next();
    if (step.done) return undefined;
    const chunk = typeof step.value === 'string' ? Buffer.from(step.value) : step.value;
    this.bytes += chunk.byteLength;
    return chunk;
  }

  /** Reads chunks until `size` bytes are in (or the input ends). */
  async head(size: number): Promise<Uint8Array[]> {
    const chunks: Uint8Array[] = [];
    for (let total = 0; total < size; ) {
      const chunk = await this.next();
      if (chunk === undefined) break;
      chunks.push(chunk);
      total += chunk.byteLength;
    }
    return chunks;
  }

  /** Lets the input go (a file stream closes its descriptor). */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

/**
 * CRLF and lone CR → LF, a CR at the end of a chunk held until the next one shows whether an LF follows. The
 * parser then counts one line per line feed, which is what a person counts (it would count a CRLF inside a quoted
 * field twice); a line break inside a quoted value becomes a line feed.
 */
export class LineEnds {
  private carriageReturn = false;

  normalize(text: string): string {
    let joined = this.carriageReturn ? `\r${text}` : text;
    this.carriageReturn = joined.endsWith('\r');
    if (this.carriageReturn) joined = joined.slice(0, -1);
    return joined.includes('\r') ? joined.replace(/\r\n?/g, '\n') : joined;
  }

  flush(): string {
    const rest = this.carriageReturn ? '\n' : '';
    this.carriageReturn = false;
    return rest;
  }
}

async function* chunksOf(source: ByteSource, head: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* head;
  for (let chunk = await source.next(); chunk !== undefined; chunk = await source.next()) yield chunk;
}

/** What decoding saw: whether some bytes were not characters of the encoding (decoded as U+FFFD). */
export interface DecodeReport {
  replaced: boolean;
}

/**
 * The text of the file: the chunks already read, then the rest of the input. A BOM is dropped. Invalid bytes
 * become U+FFFD (not an exception: the rows holding them are reported, the others imported).
 */
export async function* decodeText(source: ByteSource, head: readonly Uint8Array[], encoding: CsvEncoding, report: DecodeReport): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  const lineEnds = new LineEnds();
  const text = (decoded: string): string => {
    if (decoded.includes('\uFFFD')) report.replaced = true;
    return lineEnds.normalize(decoded);
  };
  try {
    for await (const chunk of chunksOf(source, head)) {
      const decoded = text(decoder.decode(chunk, { stream: true }));
      if (decoded !== '') yield decoded;
    }
    const rest = text(decoder.decode()) + lineEnds.flush();
    if (rest !== '') yield rest;
  } finally {
    await source.close();
  }
}
