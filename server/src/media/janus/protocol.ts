/**
 * Every name that goes over the wire to Janus (1.1.x), kept in one place so
 * each can be checked against the plugin docs and tested. Plugin request
 * bodies are built in audiobridge.ts / streaming.ts / videoroom.ts from these
 * constants.
 */

/** WebSocket subprotocol of the Janus API (the Admin API uses another). */
export const JANUS_SUBPROTOCOL = 'janus-protocol';

/** Requests of the Janus core API (the `janus` field we send). */
export const JanusVerb = {
  info: 'info',
  create: 'create',
  destroy: 'destroy',
  keepalive: 'keepalive',
  attach: 'attach',
  detach: 'detach',
  message: 'message',
  trickle: 'trickle',
  hangup: 'hangup',
} as const;
export type JanusVerb = (typeof JanusVerb)[keyof typeof JanusVerb];

// The tables below are alike in shape only: each spells one set of Janus's own names.
/** Replies to a transaction (the `janus` field Janus sends back). */
export const JanusReply = {
  success: 'success',
  error: 'error',
  /** Janus took the request; for async plugin requests an `event` follows. */
  ack: 'ack',
  /** The plugin's (possibly late) answer to an async request, or a push. */
  event: 'event',
  serverInfo: 'server_info',
} as const;

/** Notifications Janus pushes about a session or handle, unasked. */
export const JanusNotice = {
  webrtcup: 'webrtcup',
  media: 'media',
  slowlink: 'slowlink',
  hangup: 'hangup',
  detached: 'detached',
  timeout: 'timeout',
  trickle: 'trickle',
} as const;

export const JanusPlugin = {
  audioBridge: 'janus.plugin.audiobridge',
  streaming: 'janus.plugin.streaming',
  videoRoom: 'janus.plugin.videoroom',
} as const;
export type JanusPlugin = (typeof JanusPlugin)[keyof typeof JanusPlugin];

/** Janus core API error codes we act on (src/apierror.h). */
export const JanusCoreError = {
  unauthorized: 403,
  sessionNotFound: 458,
  handleNotFound: 459,
  pluginNotFound: 460,
  jsepUnknownType: 464,
  invalidSdp: 465,
  /** An answer where Janus expected none (no offer of its own out). */
  unexpectedAnswer: 469,
} as const;

/** AudioBridge `request` values (janus_audiobridge.c header). */
export const AudioBridgeRequest = {
  create: 'create',
  destroy: 'destroy',
  exists: 'exists',
  list: 'list',
  listParticipants: 'listparticipants',
  join: 'join',
  configure: 'configure',
  leave: 'leave',
  mute: 'mute',
  unmute: 'unmute',
  muteRoom: 'mute_room',
  unmuteRoom: 'unmute_room',
  kick: 'kick',
  rtpForward: 'rtp_forward',
  stopRtpForward: 'stop_rtp_forward',
  /** No underscore, unlike the other forwarder requests. */
  listForwarders: 'listforwarders',
} as const;

/** AudioBridge `audiobridge` values in replies and events. */
export const AudioBridgeReply = {
  created: 'created',
  destroyed: 'destroyed',
  success: 'success',
  joined: 'joined',
  event: 'event',
  participants: 'participants',
  forwarders: 'forwarders',
  left: 'left',
  talking: 'talking',
  stoppedTalking: 'stopped-talking',
} as const;

/** AudioBridge plugin error codes (JANUS_AUDIOBRIDGE_ERROR_*). */
export const AudioBridgeError = {
  noSuchRoom: 485,
  roomExists: 486,
  notJoined: 487,
  unauthorized: 489,
  idExists: 490,
  alreadyJoined: 491,
  noSuchUser: 492,
  invalidSdp: 493,
} as const;

/** Streaming `request` values (janus_streaming.c header). */
export const StreamingRequest = {
  list: 'list',
  info: 'info',
  create: 'create',
  destroy: 'destroy',
  watch: 'watch',
  start: 'start',
  stop: 'stop',
} as const;

/** Streaming `streaming` values in replies, and `result.status` values. */
export const StreamingReply = {
  created: 'created',
  destroyed: 'destroyed',
  list: 'list',
  info: 'info',
  event: 'event',
} as const;
export const StreamingStatus = {
  preparing: 'preparing',
  starting: 'starting',
  started: 'started',
  stopping: 'stopping',
  stopped: 'stopped',
} as const;

/** Streaming plugin error codes (JANUS_STREAMING_ERROR_*). */
export const StreamingError = {
  noSuchMountpoint: 455,
  cantCreate: 456,
  invalidState: 460,
} as const;

/** VideoRoom `request` values (janus_videoroom.c header, 1.1.x multistream API). */
export const VideoRoomRequest = {
  create: 'create',
  destroy: 'destroy',
  exists: 'exists',
  list: 'list',
  listParticipants: 'listparticipants',
  join: 'join',
  publish: 'publish',
  configure: 'configure',
  unpublish: 'unpublish',
  leave: 'leave',
  start: 'start',
  /** Subscribe and unsubscribe in one renegotiation. */
  update: 'update',
  moderate: 'moderate',
  kick: 'kick',
} as const;

/** `ptype` of a VideoRoom `join`: a participant who may publish, or a subscription. */
export const VideoRoomParticipantType = {
  publisher: 'publisher',
  subscriber: 'subscriber',
} as const;

/** VideoRoom `videoroom` values in replies and events. */
export const VideoRoomReply = {
  created: 'created',
  destroyed: 'destroyed',
  success: 'success',
  participants: 'participants',
  joined: 'joined',
  /** A subscriber handle's answer to `join`, with Janus's offer. */
  attached: 'attached',
  /** A subscription changed; carries a new offer when the SDP changed. */
  updated: 'updated',
  /** The update is queued until the previous offer is answered; its offer comes later. */
  updating: 'updating',
  event: 'event',
  talking: 'talking',
  stoppedTalking: 'stopped-talking',
} as const;

/** VideoRoom plugin error codes (JANUS_VIDEOROOM_ERROR_*). */
export const VideoRoomError = {
  noSuchRoom: 426,
  roomExists: 427,
  /** Also "no such participant" (moderate, kick) and "no such mid". */
  noSuchFeed: 428,
  publishersFull: 432,
  unauthorized: 433,
  alreadyPublished: 434,
  idExists: 436,
  invalidSdp: 437,
} as const;

/** Mountpoint type for a feed pushed to Janus over plain RTP. */
export const STREAMING_TYPE_RTP = 'rtp';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  /** Janus reads `trickle: false` as "all candidates are in the SDP". */
  trickle?: boolean;
}

/** A trickled candidate as Janus takes it, or the end-of-candidates mark. */
export type TrickleCandidate =
  | { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }
  | { completed: true };

/** Body of a plugin's answer: a name field (`audiobridge`, `streaming`) and data. */
export type PluginBody = Record<string, unknown> & {
  error_code?: number;
  error?: string;
};

/** Anything Janus sends over the API socket. Fields depend on `janus`. */
export interface JanusIncoming {
  janus: string;
  transaction?: string;
  session_id?: number;
  /** Handle id, for handle events. */
  sender?: number;
  data?: { id?: number } & Record<string, unknown>;
  plugindata?: { plugin: string; data: PluginBody };
  jsep?: Jsep;
  error?: { code: number; reason: string };
  /** `media`: kind, mid and whether media flows now. */
  type?: string;
  mid?: string;
  receiving?: boolean;
  /** `slowlink` */
  media?: string;
  uplink?: boolean;
  lost?: number;
  /** `hangup` */
  reason?: string;
  /** `server_info` */
  version?: number;
  version_string?: string;
  plugins?: Record<string, unknown>;
  transports?: Record<string, unknown>;
}

/** What we send: a core verb plus its fields; the connection adds the rest. */
export type JanusOutgoing = { janus: JanusVerb } & Record<string, unknown>;
