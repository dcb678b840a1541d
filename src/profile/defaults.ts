/**
 * Message and option numbers, and protocol constants.
 *
 * Numbers IANA assigned are fixed. The reliability drafts never got numbers
 * ("TBD"); the defaults for those are the project's (SPEC-NOTES section 4) and a
 * profile file or flag may change them.
 */

/** MH types IANA assigned (RFC 6275 and later); these cannot be renumbered. */
export const ASSIGNED_MH_TYPES = {
  bindingRefreshRequest: 0,
  homeTestInit: 1,
  careOfTestInit: 2,
  homeTest: 3,
  careOfTest: 4,
  bindingUpdate: 5,
  bindingAck: 6,
  bindingError: 7,
  fastBindingUpdate: 8,
  fastBindingAck: 9,
  fastNeighborAdvertisement: 10,
  experimental: 11,
  homeAgentSwitch: 12,
  heartbeat: 13,
  handoverInitiate: 14,
  handoverAck: 15,
  bindingRevocation: 16,
  localizedRoutingInitiation: 17,
  localizedRoutingAck: 18,
  updateNotification: 19,
  updateNotificationAck: 20,
  flowBinding: 21,
  subscriptionQuery: 22,
  subscriptionResponse: 23,
} as const;

/** Draft MH types with the project's default numbers (SPEC-NOTES section 4). */
export const DRAFT_MH_TYPES = {
  stateSynchronization: 248,
  homeAgentControl: 249,
  homeAgentHello: 250,
  hahaHello: 251,
  bindingInformationRequest: 252,
  bindingInformationUpdate: 253,
  bindingInformationAck: 254,
  haSwitchRequest: 255,
} as const;

export const ASSIGNED_MH_OPTIONS = {
  pad1: 0,
  padN: 1,
  bindingRefreshAdvice: 2,
  alternateCareOfAddress: 3,
  nonceIndices: 4,
  bindingAuthorizationData: 5,
  mobileNetworkPrefix: 6,
  mobileNodeIdentifier: 8,
  vendorSpecific: 19,
  ipAddress: 34,
} as const;

export const DRAFT_MH_OPTIONS = {
  bindingCacheInformation: 248,
  aaaInformation: 249,
  bindingCacheEntryInformation: 250,
} as const;

export type AssignedMhTypeKey = keyof typeof ASSIGNED_MH_TYPES;
export type DraftMhTypeKey = keyof typeof DRAFT_MH_TYPES;
export type MhTypeKey = AssignedMhTypeKey | DraftMhTypeKey;
export type AssignedMhOptionKey = keyof typeof ASSIGNED_MH_OPTIONS;
export type DraftMhOptionKey = keyof typeof DRAFT_MH_OPTIONS;
export type MhOptionKey = AssignedMhOptionKey | DraftMhOptionKey;

/**
 * Protocol constants (seconds unless the name says otherwise). SPEC-NOTES section 3.
 */
export const DEFAULT_CONSTANTS = {
  INITIAL_HA_SWITCH_TIMEOUT: 5,
  MAX_HA_SWITCH_TIMEOUT: 20,
  MAX_HA_SWITCH_TRANSMIT_RATE: 1,
  INITIAL_BINDACK_TIMEOUT: 1,
  InitialBindackTimeoutFirstReg: 1.5,
  MAX_BINDACK_TIMEOUT: 32,
  MAX_UPDATE_RATE: 3,
  INITIAL_STATE_SYNC_REQ_TIMER: 3,
  INITIAL_SWITCHOVER_REQ_TIMER: 1,
  INITIAL_SWITCHBACK_REQ_TIMER: 1,
  MAX_HARELIABILITY_TIMEOUT: 16,
  LINK_TRAVERSAL_TIME: 0.15,
} as const;

export type ConstantName = keyof typeof DEFAULT_CONSTANTS;
