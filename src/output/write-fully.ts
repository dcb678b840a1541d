/**
 * Writing output synchronously, whatever the descriptor is: a pipe that is
 * momentarily full (EAGAIN) is waited on, a reader that went away (EPIPE, as
 * `| head`) ends the output quietly, and anything else (a full disk, a quota,
 * an I/O error) is an OutputError: the commands report it in one line, exit 2.
 */
import { writeSync } from 'node:fs';
import { eagainDelayMs, sleepMs } from '../capture/byte-source.js';

/** The output could not be written (not a closed pipe): the message says what and why. */
export class OutputError extends Error {
  readonly hint = 'free some space or write elsewhere';
  constructor(readonly what: string, readonly code: string, detail: string) {
    super(`cannot write ${what}: ${detail}`);
    this.name = 'OutputError';
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for the file system',
  EIO: 'input/output error',
  EROFS: 'the file system is read-only',
  EBADF: 'the descriptor is not open for writing',
};

/** An OutputError for a failed write of `what`. */
export function outputError(what: string, e: unknown): OutputError {
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? 'EIO';
  return new OutputError(what, code, `${Object.hasOwn(REASONS, code) ? REASONS[code] : err.message} (${code})`);
}

/**
 * Write data[off..off+len) to fd. False when the reader has gone (EPIPE): the
 * caller writes no more. Throws OutputError on any other failure.
 */
export function writeFully(fd: number, data: Uint8Array, off: number, len: number, what: string): boolean {
  const end = off + len;
  // Waits in a row on a full pipe (EAGAIN), each longer than the last (eagainDelayMs).
  let waits = 0;
  while (off < end) {
    try {
      off += writeSync(fd, data, off, end - off);
      waits = 0;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        sleepMs(eagainDelayMs(waits++));
        continue;
      }
      if (code === 'EPIPE') return false;
      throw outputError(what, e);
    }
  }
  return true;
}
