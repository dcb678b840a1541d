/**
 * The dissection entry point. Importing this module registers every dissector
 * (each registers itself by number, like Wireshark's dissector tables).
 */
import './ipv6.js';
import './ipv4.js';
import './icmp.js';
import './udp.js';
import './esp.js';
import './icmpv6.js';
import './mh/header.js';
import './mh/rfc6275.js';
import './mh/options.js';
import './mh/rfc5142.js';
import './mh/rfc5846.js';
import './mh/rfc5847.js';
import './mh/draft-options.js';
import './mh/harel.js';
import './mh/haha.js';
import './vhar.js';
import './vrrp.js';
import { DissectContext, type DissectOptions } from './context.js';
import { setMhNames } from './mh/header.js';
import type { Profile } from '../profile/profile.js';
import { getDefaultProfile } from '../profile/profile.js';

export { DissectContext } from './context.js';
export { dissectFrame } from './link.js';
export { Tree } from './tree.js';

/** Build a dissection context for a profile; the number-keyed name tables follow it. */
export function createDissector(profile: Profile = getDefaultProfile(), options: Partial<DissectOptions> = {}): DissectContext {
  const ctx = new DissectContext(profile, options);
  setMhNames(ctx);
  return ctx;
}
