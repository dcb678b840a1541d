/** Display filters (Wireshark syntax) over the field registry. */
export { compileFilter, checkFilter, type Filter } from './compile.js';
export { FilterError, closeNames, editDistance } from './errors.js';
export { FrameBits, MatchedFrames, RecentFrames } from './frames.js';
