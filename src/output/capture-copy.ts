/**
 * `read -w`: the packets read (those -Y keeps) copied to a pcapng file, as
 * tshark -w writes them: bytes, wire length, nanosecond times and packet
 * comments unchanged; one interface per input file and interface (its link type).
 */
import type { Frame } from '../capture/frame.js';
import { PcapngWriter } from '../capture/pcapng-writer.js';

export class CaptureCopy {
  private readonly writer: PcapngWriter;
  private readonly ids = new Map<string, number>();
  /** The last frame's interface, so a run of frames from one interface looks nothing up. */
  private lastFile = '';
  private lastIf = -1;
  private lastLink = -1;
  private lastId = -1;
  written = 0;

  /** `target`: a path, or a descriptor (standard output). */
  constructor(target: string | number, userAppl: string) {
    this.writer = new PcapngWriter(target, { userAppl });
  }

  write(frame: Frame, file: string): void {
    if (frame.interfaceId !== this.lastIf || frame.linktype !== this.lastLink || file !== this.lastFile) {
      const key = `${file}\u0000${frame.interfaceId}\u0000${frame.linktype}`;
      let id = this.ids.get(key);
      if (id === undefined) {
        id = this.writer.addInterface({ linktype: frame.linktype, tsresolNs: true, name: file === '-' ? 'standard input' : file });
        this.ids.set(key, id);
      }
      this.lastFile = file;
      this.lastIf = frame.interfaceId;
      this.lastLink = frame.linktype;
      this.lastId = id;
    }
    this.writer.writePacket(this.lastId, frame.tsSec, frame.tsNsec, frame.data, frame.len, frame.comments ?? undefined);
    this.written++;
  }

  /** The capture goes to a pipe whose reader has gone (-w - | head). */
  get readerGone(): boolean {
    return this.writer.readerGone;
  }

  close(): void {
    this.writer.close();
  }
}
