/** The messages a person sees when live capture cannot start, and the small pure pieces of capture/live. */
import { describe, expect, it } from 'vitest';
import {
  bindingError, explainOpenError, linktypeFromBinding, LiveCaptureError, monotonicClock, ownTrafficFilter, type InterfaceInfo,
} from '../../src/capture/live.js';
import { CaptureError } from '../../src/capture/reader.js';
import { interfaceListText } from '../../src/cli/live.js';

const here: InterfaceInfo[] = [
  { name: 'eth0', description: '', addresses: ['192.0.2.2', 'fe80::1'], loopback: false },
  { name: 'any', description: 'Pseudo-device that captures on all interfaces', addresses: [], loopback: false },
  { name: 'lo', description: '', addresses: ['127.0.0.1'], loopback: true },
];

describe('explainOpenError', () => {
  it('says how to get permission when libpcap cannot open the socket', () => {
    // What libpcap 1.10 reports without CAP_NET_RAW.
    const e = explainOpenError('eth0', 'socket: Operation not permitted', here);
    expect(e).toBeInstanceOf(LiveCaptureError);
    expect(e).toBeInstanceOf(CaptureError); // so the CLI prints it and exits 2 like any unreadable input
    expect(e.kind).toBe('permission');
    expect(e.message).toContain('eth0');
    expect(e.message).toContain('no permission');
    expect(e.hint).toContain('CAP_NET_RAW');
    expect(e.hint).toContain('setcap cap_net_raw,cap_net_admin=eip');
    expect(e.hint).toContain('root');
  });

  it('recognises the longer permission wording of other libpcap versions', () => {
    const e = explainOpenError('eth0', "You don't have permission to capture on that device (socket: Operation not permitted)", here);
    expect(e.kind).toBe('permission');
  });

  it('lists the interfaces there are when the one asked for is missing', () => {
    const e = explainOpenError('eht0', 'No such device exists', here);
    expect(e.kind).toBe('no-such-interface');
    expect(e.message).toBe('eht0: no such interface');
    expect(e.hint).toBe('interfaces here: eth0, any, lo');
  });

  it('calls an interface missing from the list missing whatever libpcap said', () => {
    expect(explainOpenError('wlan9', 'something odd', here).kind).toBe('no-such-interface');
  });

  it('points at -D when the list could not be read', () => {
    const e = explainOpenError('eht0', 'SIOCGIFINDEX: No such device', null);
    expect(e.kind).toBe('no-such-interface');
    expect(e.hint).toContain('live -D');
  });

  it('blames the capture filter for a syntax error', () => {
    const e = explainOpenError('eth0', 'syntax error in filter expression', here);
    expect(e.kind).toBe('filter');
    expect(e.hint).toContain('pcap-filter');
  });
});

describe('bindingError', () => {
  it('says what to install and to rebuild cap', () => {
    const e = bindingError(new Error("Cannot find module '../build/Release/cap.node'"));
    expect(e.kind).toBe('binding');
    expect(e.message).toContain('cap.node');
    expect(e.hint).toContain('libpcap-dev');
    expect(e.hint).toContain('npm rebuild cap');
  });
});

describe('linktypeFromBinding', () => {
  it('maps the names the binding reports to LINKTYPE numbers', () => {
    expect(linktypeFromBinding('ETHERNET')).toBe(1);
    expect(linktypeFromBinding('NULL')).toBe(0);
    expect(linktypeFromBinding('RAW')).toBe(101);
    expect(linktypeFromBinding('LINKTYPE_LINUX_SLL')).toBe(113);
    expect(linktypeFromBinding('IEEE802_11_RADIO')).toBe(127);
    expect(linktypeFromBinding('Unknown linktype 276')).toBe(276);
    expect(linktypeFromBinding('gibberish')).toBe(-1);
  });
});

describe('ownTrafficFilter', () => {
  const sys = (files: Record<string, string>) => (p: string): string => {
    const v = files[p];
    if (v === undefined) throw new Error('ENOENT');
    return v;
  };

  it('keeps only frames to or from the interface and multicast on Ethernet', () => {
    const read = sys({ '/sys/class/net/eth0/type': '1\n', '/sys/class/net/eth0/address': '02:00:00:00:00:01\n' });
    expect(ownTrafficFilter('eth0', read)).toBe('ether host 02:00:00:00:00:01 or ether multicast');
  });

  it('gives up on interfaces without an Ethernet address', () => {
    expect(ownTrafficFilter('lo', sys({ '/sys/class/net/lo/type': '772\n', '/sys/class/net/lo/address': '00:00:00:00:00:00' }))).toBeNull();
    expect(ownTrafficFilter('any', sys({}))).toBeNull();
    expect(ownTrafficFilter('../../etc', sys({}))).toBeNull();
  });
});

describe('monotonicClock', () => {
  it('tracks the wall clock and never goes backwards', () => {
    const clock = monotonicClock();
    const a = { ...clock() };
    const b = { ...clock() };
    expect(Math.abs(a.sec + a.nsec / 1e9 - Date.now() / 1000)).toBeLessThan(1);
    expect(b.sec * 1e9 + b.nsec).toBeGreaterThanOrEqual(a.sec * 1e9 + a.nsec);
    expect(a.nsec).toBeGreaterThanOrEqual(0);
    expect(a.nsec).toBeLessThan(1e9);
  });
});

describe('interfaceListText', () => {
  it('numbers interfaces like tshark -D', () => {
    expect(interfaceListText(here)).toEqual([
      '1. eth0 (192.0.2.2 fe80::1)',
      '2. any (Pseudo-device that captures on all interfaces)',
      '3. lo (loopback, 127.0.0.1)',
    ]);
  });
});
