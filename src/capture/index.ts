/** The capture stage: everything later stages need to get frames in and out of files. */
export type { Frame } from './frame.js';
export { frameTime, LinkType } from './frame.js';
export { linkTypeName } from './linktypes.js';
export { openCapture, openCaptureFd } from './open.js';
export { CaptureError, type CaptureInterface, type CaptureProblem, type CaptureReader, type OpenOptions } from './reader.js';
export { PcapngWriter, writePcap, type PcapngInterfaceOptions, type PcapngWriterOptions, type PcapRecord } from './pcapng-writer.js';
