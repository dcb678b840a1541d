/**
 * What every capture file reader offers, whatever the format, and how it reports trouble.
 */
import type { Frame } from './frame.js';

export interface CaptureInterface {
  linktype: number;
  /** 0 when the file does not say. */
  snaplen: number;
  /** Nanoseconds per timestamp tick (1000 for microsecond files; may be fractional for 2^-n resolutions). */
  tsresolNs: number;
  name?: string;
  description?: string;
}

/**
 * Something wrong with the file that did not stop it from being opened.
 * `fatal` means reading stopped there and anything after it in the file was not read
 * (a corrupt record or block); a truncated last record is not fatal (nothing after it existed).
 */
export interface CaptureProblem {
  file: string;
  /** The frame the problem concerns: the one after the last frame delivered. */
  frame: number;
  message: string;
  hint: string;
  fatal: boolean;
}

export interface CaptureReader {
  /** The path as given ('-' for standard input). */
  readonly path: string;
  readonly format: 'pcap' | 'pcapng';
  /**
   * The next frame, or null at the end or after a fatal problem. Always the same Frame
   * object; its data is a view valid only until the following call. Never throws.
   */
  next(): Frame | null;
  /** File offset of the record (pcap) or block (pcapng) of the frame next() returned last. */
  readonly frameOffset: number;
  /** The interfaces of the current section (pcap: exactly one). */
  readonly interfaces: readonly CaptureInterface[];
  /** shb_comment values of every section met so far. */
  readonly sectionComments: readonly string[];
  /** Problems met so far, in order. */
  readonly problems: readonly CaptureProblem[];
  /** Closes the file (not standard input or a descriptor the caller passed in). */
  close(): void;
}

export interface OpenOptions {
  /**
   * Size of the reused read buffer in bytes (default 4 MiB). It grows only for a single
   * record larger than itself. Tests set it small to cross chunk boundaries.
   */
  chunkSize?: number;
}

/** Thrown by openCapture when the file cannot be used at all. */
export class CaptureError extends Error {
  readonly file: string;
  /** 0: the problem is in the file header, before any frame. */
  readonly frame: number;
  readonly hint: string;

  constructor(file: string, message: string, hint: string, frame = 0) {
    super(`${displayName(file)}: ${message}`);
    this.name = 'CaptureError';
    this.file = file;
    this.frame = frame;
    this.hint = hint;
  }
}

/** How a path is named in messages. */
export function displayName(path: string): string {
  return path === '-' ? 'standard input' : path;
}
