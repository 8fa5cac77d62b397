/**
 * Whether a file's first bytes are those of an archive ADD unpacks: gzip, bzip2, xz, zstd, or a tar (`ustar` at offset 257, or
 * a first 512-byte block that reads as a tar header: isTarHeader, so an old v7 tar without the magic too).
 * Shared by DF015 (ADD instead of COPY) and the entrypoint reading (an `ADD` of a local archive; review54b, F3).
 */
export function isArchiveHead(b: Uint8Array): boolean {
  const at = (k: number, ...bytes: number[]) => bytes.every((x, i) => b[k + i] === x);
  // gzip: 1f 8b and method 08 (deflate); bzip2: `BZh`, a block size 1-9, then a block's or the end's magic (a text starting `BZh` is no archive: review 14, probe 06).
  const bzip2 = at(0, 0x42, 0x5a, 0x68) && b[3] >= 0x31 && b[3] <= 0x39 && (at(4, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59) || at(4, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90));
  return at(0, 0x1f, 0x8b, 0x08) || bzip2 || at(0, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00) || at(0, 0x28, 0xb5, 0x2f, 0xfd) || at(257, 0x75, 0x73, 0x74, 0x61, 0x72) || isTarHeader(b);
}

/**
 * Whether the first 512 bytes of `b` read as a tar header, as Go's archive/tar reads one (what BuildKit unpacks with: ADD
 * unpacks a local file when `tar.NewReader(…).Next()` reads a header from it, whatever its name or magic, so an old v7 tar
 * without `ustar` counts — moby/buildkit solver/llbsolver/file/unpack.go, isArchivePath): its checksum field (bytes 148-155,
 * octal, spaces and NULs trimmed, up to 8 digits) is the sum of the block's bytes with that field read as spaces, unsigned or
 * signed (some old tars wrote the signed sum) (POSIX ustar; review 35, probe d15b). Fewer than 512 bytes, or a block of zeros
 * (the end of an archive: Go reads no header), is none.
 */
export function isTarHeader(b: Uint8Array): boolean {
  if (b.length < 512) return false;
  const field = String.fromCharCode(...b.subarray(148, 156)).replace(/^[\0 ]+|[\0 ]+$/g, '');
  if (!/^[0-7]{1,8}$/.test(field)) return false;
  let unsigned = 0;
  let signed = 0;
  for (let k = 0; k < 512; k++) {
    const c = k >= 148 && k < 156 ? 0x20 : b[k];
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  const written = parseInt(field, 8);
  return written === unsigned || written === signed;
}
