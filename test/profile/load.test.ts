/**
 * Profile files (YAML and JSON), the NAME=NUMBER flags, the conflicts buildProfile
 * refuses, and the description `mip6scope profile` prints.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { describeProfile, profileAsJson } from '../../src/profile/describe.js';
import { loadProfileFile, parseAssignment, profileFromDocument } from '../../src/profile/load.js';
import { buildProfile, ProfileError } from '../../src/profile/profile.js';

const dir = mkdtempSync(join(tmpdir(), 'mip6scope-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function errorOf(f: () => unknown): ProfileError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProfileError) return e;
    throw e;
  }
  throw new Error('expected a ProfileError');
}

describe('loadProfileFile', () => {
  it('reads the YAML form of the issue', () => {
    const p = file('lab.yaml', `
mh-types: { stateSynchronization: 248, homeAgentHello: 200 }
mh-options: { bindingCacheEntryInformation: 10 }
constants: { MAX_HA_SWITCH_TRANSMIT_RATE: 2 }
vhar: true
`);
    const o = loadProfileFile(p);
    expect(o).toEqual({
      source: p,
      mhTypes: { stateSynchronization: 248, homeAgentHello: 200 },
      mhOptions: { bindingCacheEntryInformation: 10 },
      constants: { MAX_HA_SWITCH_TRANSMIT_RATE: 2 },
      vhar: true,
    });
    const profile = buildProfile(o);
    expect(profile.mhTypes.homeAgentHello).toBe(200);
    expect(profile.mhOptions.bindingCacheEntryInformation).toBe(10);
    expect(profile.constants.MAX_HA_SWITCH_TRANSMIT_RATE).toBe(2);
    expect(profile.origin.mhTypes.homeAgentHello).toBe(p);
    expect(profile.origin.mhTypes.homeAgentControl).toMatch(/built-in/);
  });

  it('reads YAML hex numbers and block style', () => {
    const o = loadProfileFile(file('hex.yml', 'mh-types:\n  hahaHello: 0xf0\nvhar: false\n'));
    expect(o.mhTypes).toEqual({ hahaHello: 240 });
    expect(o.vhar).toBe(false);
  });

  it('reads JSON', () => {
    const o = loadProfileFile(file('lab.json', JSON.stringify({ 'mh-types': { haSwitchRequest: 201 }, constants: { LINK_TRAVERSAL_TIME: 0.2 } })));
    expect(o.mhTypes).toEqual({ haSwitchRequest: 201 });
    expect(o.constants).toEqual({ LINK_TRAVERSAL_TIME: 0.2 });
  });

  it('names the file and the key in every error', () => {
    const cases: [string, string, RegExp][] = [
      ['unknown-key.yaml', 'mh-type: { homeAgentHello: 200 }\n', /unknown-key\.yaml: unknown key "mh-type"/],
      ['unknown-name.yaml', 'mh-types: { homeAgentHelo: 200 }\n', /unknown-name\.yaml: mh-types\.homeAgentHelo: unknown name/],
      ['big.yaml', 'mh-types: { homeAgentHello: 300 }\n', /big\.yaml: mh-types\.homeAgentHello: 300 is not a whole number from 0 to 255/],
      ['text.yaml', 'mh-options: { aaaInformation: "249" }\n', /text\.yaml: mh-options\.aaaInformation: "249"/],
      ['const.yaml', 'constants: { MAX_HA_SWITCH_TIMEOUT: -1 }\n', /const\.yaml: constants\.MAX_HA_SWITCH_TIMEOUT: -1 is not a non-negative number/],
      ['vhar.yaml', 'vhar: yes please\n', /vhar\.yaml: vhar: "yes please" is not true or false/],
      ['list.yaml', '- 1\n- 2\n', /list\.yaml: the profile must be a mapping/],
      ['table.yaml', 'mh-types: [1, 2]\n', /table\.yaml: mh-types: expected a mapping/],
      ['broken.json', '{ "mh-types": ', /broken\.json: not valid JSON/],
      ['broken.yaml', 'mh-types: { a: 1\n', /broken\.yaml: not valid YAML/],
    ];
    for (const [name, text, re] of cases) expect(errorOf(() => loadProfileFile(file(name, text))).message).toMatch(re);
    expect(errorOf(() => loadProfileFile(join(dir, 'missing.yaml'))).message).toMatch(/missing\.yaml: cannot read the profile file \(ENOENT\)/);
  });

  it('an empty file changes nothing', () => {
    expect(loadProfileFile(file('empty.yaml', ''))).toEqual({ source: join(dir, 'empty.yaml') });
  });
});

describe('parseAssignment', () => {
  it('parses NAME=NUMBER for each flag', () => {
    expect(parseAssignment('homeAgentHello=200', '--mh-type')).toEqual(['homeAgentHello', 200]);
    expect(parseAssignment('aaaInformation=0xf1', '--mh-option')).toEqual(['aaaInformation', 241]);
    expect(parseAssignment('LINK_TRAVERSAL_TIME=0.2', '--const')).toEqual(['LINK_TRAVERSAL_TIME', 0.2]);
  });
  it('refuses malformed text, unknown names and bad numbers, naming the flag', () => {
    expect(errorOf(() => parseAssignment('homeAgentHello', '--mh-type')).message).toMatch(/--mh-type homeAgentHello: expected NAME=NUMBER/);
    expect(errorOf(() => parseAssignment('hello=200', '--mh-type')).message).toMatch(/--mh-type hello=200: mh-types\.hello: unknown name/);
    expect(errorOf(() => parseAssignment('homeAgentHello=2.5', '--mh-type')).message).toMatch(/not a whole number/);
    expect(errorOf(() => parseAssignment('homeAgentHello=abc', '--mh-type')).message).toMatch(/"abc"/);
    expect(errorOf(() => parseAssignment('stateSynchronization=1', '--mh-option')).message).toMatch(/mh-options\.stateSynchronization: unknown name/);
    expect(errorOf(() => parseAssignment('MAX_UPDATE_RATE=', '--const')).message).toMatch(/expected NAME=VALUE/);
  });
});

describe('conflicts (buildProfile)', () => {
  it('refuses two draft messages on one number', () => {
    expect(errorOf(() => buildProfile({ mhTypes: { homeAgentHello: 248 } })).message).toMatch(/248 is given to both/);
  });
  it('refuses a draft message on an assigned number', () => {
    expect(errorOf(() => buildProfile({ mhTypes: { homeAgentHello: 12 } })).message).toMatch(/IANA assigned it to homeAgentSwitch/);
  });
  it('refuses a draft option on an assigned option number', () => {
    expect(errorOf(() => buildProfile({ mhOptions: { bindingCacheInformation: 6 } })).message).toMatch(/IANA assigned it to mobileNetworkPrefix/);
  });
  it('refuses renumbering an assigned message', () => {
    expect(errorOf(() => buildProfile({ mhTypes: { bindingUpdate: 200 } })).message).toMatch(/assigned by IANA/);
  });
  it('refuses a file that conflicts once built', () => {
    const o = loadProfileFile(file('clash.yaml', 'mh-types: { hahaHello: 250 }\n'));
    expect(errorOf(() => buildProfile(o)).message).toMatch(/250 is given to both homeAgentHello and hahaHello/);
  });
  it('lets a later layer resolve what an earlier one would clash on', () => {
    const p = buildProfile({ mhTypes: { homeAgentHello: 200 }, source: 'file' }, { mhTypes: { hahaHello: 250 }, source: 'flags' });
    expect(p.mhTypes.hahaHello).toBe(250);
    expect(p.origin.mhTypes.hahaHello).toBe('flags');
  });
});

describe('describeProfile / profileAsJson', () => {
  const p = buildProfile(
    { mhTypes: { homeAgentHello: 200 }, mhOptions: { bindingCacheEntryInformation: 10 }, source: 'lab.yaml' },
    { constants: { MAX_HA_SWITCH_TRANSMIT_RATE: 2 }, vhar: false, source: 'command-line flags' },
  );
  it('lists every message and option with number, status and source', () => {
    const j = profileAsJson(p);
    expect(j.mhTypes.find((e) => e.name === 'homeAgentHello')).toEqual({ name: 'homeAgentHello', number: 200, status: 'draft', document: 'hareliability-01 6.1.3', source: 'lab.yaml' });
    expect(j.mhTypes.find((e) => e.name === 'bindingUpdate')).toEqual({ name: 'bindingUpdate', number: 5, status: 'assigned', source: 'IANA' });
    expect(j.mhTypes.map((e) => e.number)).toEqual([...j.mhTypes.map((e) => e.number)].sort((a, b) => a - b));
    const bcei = j.mhOptions.find((e) => e.name === 'bindingCacheEntryInformation')!;
    expect(bcei.number).toBe(10);
    expect(bcei.warning).toMatch(/may be registered by IANA/);
    expect(j.constants.find((c) => c.name === 'MAX_HA_SWITCH_TRANSMIT_RATE')).toEqual({ name: 'MAX_HA_SWITCH_TRANSMIT_RATE', value: 2, default: 1, source: 'command-line flags' });
    expect(j.vhar).toEqual({ enabled: false, source: 'command-line flags', anyScope: false, anyScopeSource: expect.stringMatching(/built-in/) });
  });
  it('prints a table a person can read', () => {
    const text = describeProfile(p);
    expect(text).toMatch(/^200\s+homeAgentHello\s+draft \(hareliability-01 6\.1\.3\)\s+lab\.yaml$/m);
    expect(text).toMatch(/^5\s+bindingUpdate\s+assigned\s+IANA$/m);
    expect(text).toMatch(/^251\s+hahaHello\s+draft \(haha-spec-00\)\s+built-in defaults/m);
    expect(text).toMatch(/^MAX_HA_SWITCH_TRANSMIT_RATE\s+2\s+1\s+command-line flags$/m);
    expect(text).toMatch(/VHAR .*: off \(command-line flags\)/);
    expect(text).toMatch(/Sources, in order: built-in defaults.*; lab\.yaml; command-line flags/);
  });
});

describe('fuzz: a profile is taken or refused with a ProfileError, never anything else', () => {
  // Keys a profile has, names its tables know, and names every object inherits.
  const keys = fc.constantFrom('mh-types', 'mh-options', 'constants', 'vhar', 'vhar-any-scope', 'homeAgentHello', 'stateSynchronization',
    'bindingUpdate', 'MAX_HA_SWITCH_TRANSMIT_RATE', 'constructor', 'toString', '__proto__', 'hasOwnProperty', '');
  const leaf = fc.oneof(fc.integer({ min: -2, max: 300 }), fc.double(), fc.boolean(), fc.string(), fc.constant(null));
  const doc = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.oneof(keys, fc.string()), tie('node'), { maxKeys: 4 })),
  })).node;

  function takenOrRefused(f: () => unknown): void {
    try {
      f();
    } catch (e) {
      if (!(e instanceof ProfileError)) throw e;
      expect(e.message.length).toBeGreaterThan(0);
    }
  }

  it('profileFromDocument and buildProfile on any document', () => {
    fc.assert(fc.property(fc.oneof(doc, fc.dictionary(keys, doc, { maxKeys: 5 })), (d) => {
      takenOrRefused(() => buildProfile(profileFromDocument(d, 'fuzz.yaml')));
    }), { numRuns: 2000 });
  });

  it('loadProfileFile on any text, YAML or JSON', () => {
    const text = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), doc.map((v) => JSON.stringify(v) ?? ''));
    fc.assert(fc.property(text, fc.boolean(), (t, json) => {
      takenOrRefused(() => buildProfile(loadProfileFile(file(json ? 'fuzz.json' : 'fuzz.yaml', t))));
    }), { numRuns: 300 });
  });

  it('parseAssignment on any text, for each flag', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.tuple(keys, fc.string()).map(([k, v]) => `${k}=${v}`)), fc.constantFrom('--mh-type', '--mh-option', '--const'), (t, flag) => {
      takenOrRefused(() => parseAssignment(t, flag));
    }), { numRuns: 2000 });
  });

  it('a rate of 0 is refused (it would allow no message at all)', () => {
    expect(errorOf(() => parseAssignment('MAX_UPDATE_RATE=0', '--const')).message).toBe('--const MAX_UPDATE_RATE=0: constants.MAX_UPDATE_RATE: a rate of 0 would allow no message at all');
    expect(errorOf(() => profileFromDocument({ constants: { MAX_HA_SWITCH_TRANSMIT_RATE: 0 } }, 'lab.yaml')).message).toMatch(/a rate of 0/);
    expect(parseAssignment('MAX_HA_SWITCH_TRANSMIT_RATE=0.5', '--const')).toEqual(['MAX_HA_SWITCH_TRANSMIT_RATE', 0.5]);
    expect(parseAssignment('INITIAL_HA_SWITCH_TIMEOUT=0', '--const')).toEqual(['INITIAL_HA_SWITCH_TIMEOUT', 0]);
  });

  it('inherited names are not profile keys', () => {
    for (const key of ['constructor', 'toString', '__proto__']) {
      expect(errorOf(() => profileFromDocument(JSON.parse(`{"${key}": 1}`), 'lab.json')).message).toBe(`lab.json: unknown key "${key}"`);
    }
  });
});
