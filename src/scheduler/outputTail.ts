// Bounded views of a child process's output. A Claude run can print hundreds of megabytes; the
// supervisor streams all of it to the log file and keeps only what these classes hold in memory.

/** The default number of bytes a tail keeps. */
export const DEFAULT_TAIL_BYTES = 8 * 1024;

/** The default longest stdout line delivered whole; longer lines are truncated. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Appended to a line that was cut at the line cap, so a reader can tell it is incomplete. */
export const TRUNCATED_LINE_MARKER = ' …[line truncated by Night Pilot]';

/** Keeps the last `maxBytes` bytes of a byte stream. */
export class BoundedTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number = DEFAULT_TAIL_BYTES) {}

  push(chunk: Buffer): void {
    if (this.maxBytes <= 0 || chunk.length === 0) return;
    // Copy only the part that can survive: the pipe's chunk buffers are not ours to pin.
    const kept = chunk.length > this.maxBytes ? chunk.subarray(chunk.length - this.maxBytes) : chunk;
    this.chunks.push(Buffer.from(kept));
    this.size += kept.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= this.maxBytes) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  /** The tail as UTF-8 text, without a multi-byte character cut in half at its start. */
  toString(): string {
    let buf = Buffer.concat(this.chunks, this.size);
    if (buf.length > this.maxBytes) buf = buf.subarray(buf.length - this.maxBytes);
    let start = 0;
    // Skip UTF-8 continuation bytes (10xxxxxx) left over from a character cut by the window.
    while (start < buf.length && start < 3 && (buf[start]! & 0xc0) === 0x80) start++;
    return buf.subarray(start).toString('utf8');
  }
}

/**
 * Splits a byte stream into lines (LF, with an optional CR before it) and hands each complete
 * line to `onLine`. A line longer than `maxLineBytes` is delivered cut, with
 * {@link TRUNCATED_LINE_MARKER}, and the rest of it is dropped rather than buffered.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private truncated = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let from = 0;
    while (from < chunk.length) {
      const nl = chunk.indexOf(0x0a, from);
      const end = nl === -1 ? chunk.length : nl;
      this.append(chunk.subarray(from, end));
      if (nl === -1) return;
      this.emit();
      from = nl + 1;
    }
  }

  /** Delivers a last line that had no newline at the end of the stream. */
  end(): void {
    if (this.size > 0 || this.truncated) this.emit();
  }

  private append(piece: Buffer): void {
    if (this.truncated || piece.length === 0) return;
    const room = this.maxLineBytes - this.size;
    if (piece.length > room) {
      piece = piece.subarray(0, room);
      this.truncated = true;
    }
    // Copied: holding a slice would pin the whole 64 KiB pipe chunk behind it.
    this.parts.push(Buffer.from(piece));
    this.size += piece.length;
  }

  private emit(): void {
    let line = Buffer.concat(this.parts, this.size).toString('utf8');
    if (this.truncated) line += TRUNCATED_LINE_MARKER;
    else if (line.endsWith('\r')) line = line.slice(0, -1);
    this.parts = [];
    this.size = 0;
    this.truncated = false;
    this.onLine(line);
  }
}
