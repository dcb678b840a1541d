/**
 * The fields the analyzer reads, looked up by abbreviation once when an engine
 * starts. A field whose dissector has not been written (or is switched off)
 * resolves to null, and the rules that need it stay idle.
 */
import '../dissect/index.js';
import { fieldByAbbrev, type FieldDef } from '../dissect/fields.js';

/** The first of the given abbreviations that is registered (drafts may name a field either way). */
function pick(...abbrevs: string[]): FieldDef | null {
  for (const a of abbrevs) {
    const d = fieldByAbbrev(a);
    if (d) return d;
  }
  return null;
}

export function resolveFields() {
  return {
    ipv6Src: pick('ipv6.src'),
    ipv6Dst: pick('ipv6.dst'),
    homeAddress: pick('ipv6.home_address'),
    mip6: pick('mip6'),
    mhType: pick('mip6.mhtype'),
    optType: pick('mip6.opt.type'),
    ipAddressCode: pick('mip6.mhipv6ap.opt_code'),
    buSeq: pick('mip6.bu.seqnr'),
    buAck: pick('mip6.bu.a_flag'),
    buHome: pick('mip6.bu.h_flag'),
    buLifetime: pick('mip6.bu.lifetime'),
    baStatus: pick('mip6.ba.status'),
    baSeq: pick('mip6.ba.seqnr'),
    baLifetime: pick('mip6.ba.lifetime'),
    braInterval: pick('mip6.bra.interval'),
    beStatus: pick('mip6.be.status'),
    hotiCookie: pick('mip6.hoti.cookie'),
    cotiCookie: pick('mip6.coti.cookie'),
    hotCookie: pick('mip6.hot.cookie'),
    cotCookie: pick('mip6.cot.cookie'),
    hasNumAddrs: pick('mip6.has.num_addrs'),
    hasAddress: pick('mip6.has.address'),
    hasRekey: pick('mip6.has.i_flag'),
    esp: pick('esp'),
    espSpi: pick('esp.spi'),
    espSeq: pick('esp.sequence'),
    espIcvStatus: pick('esp.icv.status'),
    espDecrypted: pick('esp.decrypted'),
    helloSeq: pick('mip6.harel.hello.seq'),
    helloGroup: pick('mip6.harel.hello.group'),
    helloActive: pick('mip6.harel.hello.a_flag'),
    helloReply: pick('mip6.harel.hello.r_flag'),
    helloPref: pick('mip6.harel.hello.pref'),
    helloInterval: pick('mip6.harel.hello.interval'),
    helloLifetime: pick('mip6.harel.hello.lifetime'),
    syncType: pick('mip6.harel.sync.type'),
    syncId: pick('mip6.harel.sync.id'),
    ctrlType: pick('mip6.harel.ctrl.type'),
    ctrlStatus: pick('mip6.harel.ctrl.status'),
    hahaSeq: pick('mip6.haha.hello.seq', 'mip6.haha.seq'),
    hahaPref: pick('mip6.haha.hello.pref', 'mip6.haha.pref'),
    hahaLifetime: pick('mip6.haha.hello.lifetime', 'mip6.haha.lifetime'),
    hahaInterval: pick('mip6.haha.hello.interval', 'mip6.haha.interval'),
    hahaRequestId: pick('mip6.haha.bir.id'),
    hahaUpdateId: pick('mip6.haha.biu.id'),
    hahaAckId: pick('mip6.haha.bia.id'),
    hahaStatus: pick('mip6.haha.bia.status'),
    icmpType: pick('icmpv6.type'),
    icmpInvoking: pick('icmpv6.invoking_packet'),
    icmpCode: pick('icmpv6.code'),
    raHome: pick('icmpv6.nd.ra.flag.h'),
    raActive: pick('icmpv6.nd.ra.flag.vhar_active'),
    raBackup: pick('icmpv6.nd.ra.flag.vhar_backup'),
    vharId: pick('icmpv6.vhar.identifier'),
    vharSpi: pick('icmpv6.vhar.spi'),
    vharSeq: pick('icmpv6.vhar.sequence'),
    vharRoot: pick('icmpv6.vhar.message'),
  };
}

export type FieldSet = ReturnType<typeof resolveFields>;
