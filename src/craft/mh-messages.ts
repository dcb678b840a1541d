/**
 * Message data of each Mobility Header message: the bytes after the Checksum
 * and before the options, from the figures of RFC 6275 6.1, RFC 5142 3,
 * RFC 5846 5, RFC 5847 3.3, and the draft figures with the default MH types of
 * SPEC-NOTES section 4. Pass the result (plus options) to `mobility()`.
 */
import { ASSIGNED_MH_TYPES, DRAFT_MH_TYPES } from '../profile/defaults.js';
import { addressBytes, concat, u16, u32, u8, zeros } from './bytes.js';
import type { MhMessage } from './mh.js';

const MH = { ...ASSIGNED_MH_TYPES, ...DRAFT_MH_TYPES };

/** 64-bit cookies and tokens are given as 8 bytes or a bigint. */
export type Bits64 = Uint8Array | bigint;

function bits64(value: Bits64): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== 8) throw new Error('cookies and keygen tokens are 8 bytes');
    return value;
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, value));
  return out;
}

function flagBits<K extends string>(table: Record<K, number>, flags: Partial<Record<K, boolean>> | undefined): number {
  let v = 0;
  for (const key of Object.keys(table) as K[]) if (flags?.[key]) v |= table[key];
  return v;
}

/** Binding Refresh Request (RFC 6275 6.1.2): 16 reserved bits. */
export function bindingRefreshRequest(): MhMessage {
  return { type: MH.bindingRefreshRequest, body: zeros(2) };
}

/** Home Test Init (RFC 6275 6.1.3). */
export function homeTestInit(homeInitCookie: Bits64): MhMessage {
  return { type: MH.homeTestInit, body: concat(zeros(2), bits64(homeInitCookie)) };
}

/** Care-of Test Init (RFC 6275 6.1.4). */
export function careOfTestInit(careOfInitCookie: Bits64): MhMessage {
  return { type: MH.careOfTestInit, body: concat(zeros(2), bits64(careOfInitCookie)) };
}

/** Home Test (RFC 6275 6.1.5). */
export function homeTest(homeNonceIndex: number, homeInitCookie: Bits64, homeKeygenToken: Bits64): MhMessage {
  return { type: MH.homeTest, body: concat(u16(homeNonceIndex), bits64(homeInitCookie), bits64(homeKeygenToken)) };
}

/** Care-of Test (RFC 6275 6.1.6). */
export function careOfTest(careOfNonceIndex: number, careOfInitCookie: Bits64, careOfKeygenToken: Bits64): MhMessage {
  return { type: MH.careOfTest, body: concat(u16(careOfNonceIndex), bits64(careOfInitCookie), bits64(careOfKeygenToken)) };
}

/** Binding Update flags (RFC 6275 6.1.7, R from RFC 3963, P/F/T/B from later RFCs; SPEC-NOTES section 2). */
export const BU_FLAGS = {
  A: 0x8000, H: 0x4000, L: 0x2000, K: 0x1000, M: 0x0800, R: 0x0400, P: 0x0200, F: 0x0100, T: 0x0080, B: 0x0040,
} as const;
export type BuFlag = keyof typeof BU_FLAGS;

export interface BindingUpdateFields {
  sequence: number;
  flags?: Partial<Record<BuFlag, boolean>>;
  /** Requested lifetime in 4-second units; 0 deletes the binding. */
  lifetimeUnits: number;
}

export function bindingUpdate(f: BindingUpdateFields): MhMessage {
  return { type: MH.bindingUpdate, body: concat(u16(f.sequence), u16(flagBits(BU_FLAGS, f.flags)), u16(f.lifetimeUnits)) };
}

export const BA_FLAGS = { K: 0x80, R: 0x40, P: 0x20, T: 0x10, B: 0x08 } as const;
export type BaFlag = keyof typeof BA_FLAGS;

export const BA_STATUS = {
  accepted: 0,
  administrativelyProhibited: 129,
  sequenceOutOfWindow: 135,
} as const;

export interface BindingAckFields {
  status: number;
  flags?: Partial<Record<BaFlag, boolean>>;
  sequence: number;
  lifetimeUnits: number;
}

/** Binding Acknowledgement (RFC 6275 6.1.8). */
export function bindingAck(f: BindingAckFields): MhMessage {
  return {
    type: MH.bindingAck,
    body: concat(u8(f.status), u8(flagBits(BA_FLAGS, f.flags)), u16(f.sequence), u16(f.lifetimeUnits)),
  };
}

export const BE_STATUS = { unknownBindingForHomeAddress: 1, unrecognizedMhType: 2 } as const;

/** Binding Error (RFC 6275 6.1.9). */
export function bindingError(status: number, homeAddress: string | Uint8Array): MhMessage {
  return { type: MH.bindingError, body: concat(u8(status), zeros(1), addressBytes(homeAddress)) };
}

/** I flag in the Reserved byte of the Home Agent Switch (hareliability-01 8.3): re-key, keep the HA. */
export const HA_SWITCH_REKEY = 0x80;

export interface HomeAgentSwitchFields {
  homeAgents: readonly (string | Uint8Array)[];
  rekey?: boolean;
}

/** Home Agent Switch (RFC 5142 3): # of Addresses, Reserved (I flag), addresses. */
export function homeAgentSwitch(f: HomeAgentSwitchFields): MhMessage {
  return {
    type: MH.homeAgentSwitch,
    body: concat(u8(f.homeAgents.length), u8(f.rekey ? HA_SWITCH_REKEY : 0), ...f.homeAgents.map(addressBytes)),
  };
}

export interface HeartbeatFields {
  sequence: number;
  /** R: this is a response. */
  response?: boolean;
  /** U: unsolicited response. */
  unsolicited?: boolean;
}

/** Heartbeat (RFC 5847 3.3): Reserved with U and R in its last two bits, 32-bit sequence. */
export function heartbeat(f: HeartbeatFields): MhMessage {
  const flags = (f.unsolicited ? 0x0002 : 0) | (f.response ? 0x0001 : 0);
  return { type: MH.heartbeat, body: concat(u16(flags), u32(f.sequence)) };
}

const REVOCATION_FLAGS = { P: 0x8000, V: 0x4000, G: 0x2000 } as const;
export type RevocationFlag = keyof typeof REVOCATION_FLAGS;

/** Binding Revocation Indication (RFC 5846 5.1): B.R. Type 1. */
export function bindingRevocationIndication(
  f: { trigger: number; sequence: number; flags?: Partial<Record<RevocationFlag, boolean>> },
): MhMessage {
  return {
    type: MH.bindingRevocation,
    body: concat(Uint8Array.of(1, f.trigger), u16(f.sequence), u16(flagBits(REVOCATION_FLAGS, f.flags))),
  };
}

/** Binding Revocation Acknowledgement (RFC 5846 5.2): B.R. Type 2. */
export function bindingRevocationAck(
  f: { status: number; sequence: number; flags?: Partial<Record<RevocationFlag, boolean>> },
): MhMessage {
  return {
    type: MH.bindingRevocation,
    body: concat(Uint8Array.of(2, f.status), u16(f.sequence), u16(flagBits(REVOCATION_FLAGS, f.flags))),
  };
}

// ---- hareliability-01 -------------------------------------------------------

export const STATE_SYNC_TYPE = { request: 0, reply: 1 } as const;

/** State Synchronization: Type, Reserved, Identifier (0 in an unsolicited Reply). */
export function stateSynchronization(kind: keyof typeof STATE_SYNC_TYPE, identifier: number): MhMessage {
  return { type: MH.stateSynchronization, body: concat(u8(STATE_SYNC_TYPE[kind]), zeros(1), u16(identifier)) };
}

export const HA_CONTROL_TYPE = {
  switchOverRequest: 0, switchOverReply: 1, switchBackRequest: 2, switchBackReply: 3,
} as const;

/** Home Agent Control: Type, Status. */
export function homeAgentControl(kind: keyof typeof HA_CONTROL_TYPE, status = 0): MhMessage {
  return { type: MH.homeAgentControl, body: Uint8Array.of(HA_CONTROL_TYPE[kind], status) };
}

export const HELLO_FLAGS = { A: 0x80, R: 0x40 } as const;

export interface HomeAgentHelloFields {
  sequence: number;
  preference: number;
  lifetime: number;
  helloInterval: number;
  groupId: number;
  /** A: the sender is the active home agent. */
  active?: boolean;
  /** R: the receiver must answer with a Hello. */
  replyRequested?: boolean;
}

/** Home Agent Hello: 16 bytes of message data, so Header Len 1 without options. */
export function homeAgentHello(f: HomeAgentHelloFields): MhMessage {
  const flags = (f.active ? HELLO_FLAGS.A : 0) | (f.replyRequested ? HELLO_FLAGS.R : 0);
  return {
    type: MH.homeAgentHello,
    body: concat(u16(f.sequence), u16(f.preference), u16(f.lifetime), u16(f.helloInterval), u8(f.groupId), u8(flags)),
  };
}

// ---- HAHA (haha-spec-00, global-haha) ---------------------------------------

export interface HahaHelloFields {
  sequence: number;
  preference: number;
  lifetime: number;
  helloInterval: number;
  prefixLength: number;
  homeAgentAddress: string | Uint8Array;
}

/** HAHA HA HELLO. */
export function hahaHello(f: HahaHelloFields): MhMessage {
  return {
    type: MH.hahaHello,
    body: concat(u16(f.sequence), u16(f.preference), u16(f.lifetime), u16(f.helloInterval),
      zeros(1), u8(f.prefixLength), addressBytes(f.homeAgentAddress)),
  };
}

export function bindingInformationRequest(identifier: number): MhMessage {
  return { type: MH.bindingInformationRequest, body: u16(identifier) };
}

export function bindingInformationUpdate(identifier: number): MhMessage {
  return { type: MH.bindingInformationUpdate, body: u16(identifier) };
}

export function bindingInformationAck(identifier: number, status = 0): MhMessage {
  return { type: MH.bindingInformationAck, body: concat(u16(identifier), u16(status), zeros(2)) };
}

export function haSwitchRequest(): MhMessage {
  return { type: MH.haSwitchRequest, body: zeros(2) };
}
