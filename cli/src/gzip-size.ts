/**
 * The gzip-compressed size of a text written piece by piece, without keeping it: each piece is deflated on its own,
 * with the 32 KiB before it as the dictionary (deflate's window), so the sum is what one gzip stream of the whole
 * text gives, within a few bytes per piece (each piece ends its own deflate block). GitHub code scanning rejects a
 * SARIF file over 10 MB gzip-compressed (cli44 item 5); upload-sarif compresses with zlib's default level, as here.
 */
import * as zlib from 'node:zlib';

/** deflate's window: no match reaches further back. */
const WINDOW = 32 * 1024;
/** gzip's header (10 bytes) and trailer (CRC-32 and length, 8 bytes). */
const GZIP_FRAME = 18;

export class GzipMeter {
  private size = 0;
  private window: Buffer = Buffer.alloc(0);

  add(text: string): void {
    if (text.length === 0) return;
    const bytes = Buffer.from(text, 'utf8');
    this.size += zlib.deflateRawSync(bytes, this.window.length > 0 ? { dictionary: this.window } : {}).length;
    this.window = bytes.length >= WINDOW ? bytes.subarray(bytes.length - WINDOW) : Buffer.concat([this.window, bytes]).subarray(-WINDOW);
  }

  /** The gzip size of what was added so far, in bytes. */
  get bytes(): number {
    return this.size + GZIP_FRAME;
  }
}
