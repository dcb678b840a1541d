/**
 * Opening a capture: pick the reader from the file's first bytes, never from its name.
 */
import { openSync } from 'node:fs';
import { ByteSource, DEFAULT_CHUNK_SIZE, readErrorText } from './byte-source.js';
import { GunzipInput, isGzipMagic } from './gunzip.js';
import { isPcapMagic, PcapReader } from './pcap.js';
import { isPcapngMagic, PcapngReader } from './pcapng.js';
import { CaptureError, type CaptureReader, type OpenOptions } from './reader.js';

const STDIN_FD = 0;

/** Formats people hand us by mistake, recognised by their first bytes, with what to do instead. */
const KNOWN_OTHER_FORMATS: readonly { prefix: readonly number[]; what: string; hint: string }[] = [
  { prefix: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file', hint: 'decompress it first (zstd -d FILE) and open the result' },
  { prefix: [0xfd, 0x37, 0x7a, 0x58], what: 'an xz-compressed file', hint: 'decompress it first (xz -dk FILE) and open the result' },
  { prefix: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive', hint: 'extract the capture from the archive (unzip FILE) and open it' },
  { prefix: [0x73, 0x6e, 0x6f, 0x6f, 0x70], what: 'a snoop capture', hint: 'convert it with editcap -F pcapng FILE OUT.pcapng' },
];

function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Opens a pcap or pcapng file ('-' = standard input) and returns a streaming reader.
 * Throws CaptureError only when the file cannot be used at all (missing, empty, not a
 * capture, unreadable header); every later problem is reported through `problems`.
 */
export function openCapture(path: string, opts: OpenOptions = {}): CaptureReader {
  if (path === '-') return openCaptureFd(STDIN_FD, '-', opts, false);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      throw new CaptureError(path, 'no such file', 'check the path (use - to read standard input)');
    }
    if (err.code === 'EACCES' || err.code === 'EPERM') {
      throw new CaptureError(path, 'permission denied', 'check the file permissions or run as a user that can read it');
    }
    throw new CaptureError(path, `cannot open: ${err.message}`, 'check the path');
  }
  return openCaptureFd(fd, path, opts, true);
}

/**
 * Reads a capture from an already open descriptor (a pipe, a socket, standard input).
 * `label` names it in messages; the descriptor is closed by close() only when `ownsFd`.
 */
export function openCaptureFd(fd: number, label: string, opts: OpenOptions = {}, ownsFd = false): CaptureReader {
  let src = new ByteSource(fd, ownsFd, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const fail = (message: string, hint: string): never => {
    src.close();
    throw new CaptureError(label, message, hint);
  };
  if (!src.ensure(4)) {
    if (src.readError !== null) {
      const code = (src.readError as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') fail('is a directory', 'give the path of a capture file inside it');
      fail(`cannot read: ${src.readError.message}`, 'check that the file is readable');
    }
    if (src.available === 0) fail('empty file', 'nothing was captured; check the capture command or the path');
    fail(
      `too short to be a capture (${src.available} bytes)`,
      'the file was cut short or is not a capture; check the path',
    );
  }
  let head = src.buf.subarray(src.pos, src.pos + 4);
  if (isGzipMagic(head)) {
    // capture.pcapng.gz: read through the inflater, from the bytes already read on.
    src = new ByteSource(fd, ownsFd, opts.chunkSize ?? DEFAULT_CHUNK_SIZE, new GunzipInput(fd, src.buf.subarray(src.pos, src.end)));
    if (!src.ensure(4)) {
      if (src.readError !== null) { const { message, hint } = readErrorText(src.readError, label); fail(message, hint); }
      fail(src.available === 0 ? 'empty file (compressed)' : `too short to be a capture (${src.available} bytes, compressed)`, 'nothing was captured; check the capture command or the path');
    }
    head = src.buf.subarray(src.pos, src.pos + 4);
  }
  if (isPcapngMagic(head)) return new PcapngReader(label, src);
  if (isPcapMagic(head)) return new PcapReader(label, src);
  src.ensure(8);
  const start = src.buf.subarray(src.pos, src.pos + Math.min(8, src.available));
  for (const other of KNOWN_OTHER_FORMATS) {
    if (other.prefix.every((b, i) => start[i] === b)) {
      fail(`not a pcap or pcapng file: this is ${other.what}`, other.hint);
    }
  }
  return fail(
    `not a pcap or pcapng file (starts with ${hexBytes(start.subarray(0, 4))})`,
    'convert it with editcap (editcap -F pcapng IN OUT.pcapng) or check the path',
  );
}
