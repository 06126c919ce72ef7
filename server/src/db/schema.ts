/**
 * The tables as Kysely sees them. Times are epoch milliseconds (bigint on
 * PostgreSQL, parsed back to numbers), flags are 0/1 integers, ids are the
 * sortable strings of util/ids.ts: the same column types work on both engines.
 */

import type { Generated } from 'kysely';
export interface Database {
  server_settings: { key: string; value: string };
  users: UsersTable;
  sessions: SessionsTable;
  media_blobs: MediaBlobsTable;
  follows: { follower_id: string; followee_id: string; created_at: number };
  blocks: { blocker_id: string; blocked_id: string; created_at: number };
  posts: PostsTable;
  direct_messages: DirectMessagesTable;
  notifications: NotificationsTable;
  spaces: SpacesTable;
  space_listeners: { space_id: string; identity: string; first_joined_at: number };
  space_device_bans: { space_id: string; device_id: string; created_at: number };
  /** The people (`user:<id>`, `guest:<id>`) each browser was seen with. */
  device_identities: { device_id: string; identity: string; seen_at: number };
  reports: ReportsTable;
  /** Clips cut from spaces' audio (server/src/clips). */
  clips: ClipsTable;
  audio_archives: { space_id: string; dir: string; created_at: number };
  appeals: AppealsTable;
  moderation_log: ModerationLogTable;
  jobs: JobsTable;
  space_reminders: { space_id: string; user_id: string; created_at: number };
  notification_keys: { key: string; created_at: number };
  notification_preferences: { user_id: string; kind: string; in_app: number; push: number };
  push_subscriptions: PushSubscriptionsTable;
  space_stage: { space_id: string; user_id: string; role: string; version: number };
  space_recordings: SpaceRecordingsTable;
  recording_spans: { space_id: string; started_at: number; ended_at: number | null };
  /** Password attempts per account (accounts/login-throttle.ts). */
  login_throttle: { user_id: string; failures: number; locked_until: number; updated_at: number };
  /** Requests to host (admin/hosting.ts): at most one open per person. */
  hosting_requests: HostingRequestsTable;
  /** Who talked when during a live space (replays/speakers.ts); live time, epoch ms. */
  speaker_spans: { space_id: string; user_id: string; started_at: number; ended_at: number | null };
  /** A replay's audience and pins (replays/stats.ts). */
  replay_stats: ReplayStatsTable;
  /** The Janus node of each space, agreed by every Salon node (media/homes.ts). */
  media_homes: { space_id: string; node: string; epoch: number; placed_at: number };
  /** The Salon node running each space's one HLS packager (media/hls/leases.ts). */
  hls_leases: HlsLeasesTable;
  /** Final caption lines (captions/transcripts.ts); live time, epoch ms. */
  transcript_lines: TranscriptLinesTable;
  /** Notices a person has dismissed (the first admin's welcome). */
  dismissed_notices: { user_id: string; notice: string; dismissed_at: number };
  /** Ticketed spaces (server/src/tickets). */
  ticket_offers: TicketOffersTable;
  tickets: TicketsTable;
  ticket_sellers: TicketSellersTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  /** Payment provider events already handled, by id (duplicate deliveries). */
  payment_events: {
    provider: string;
    event_id: string;
    type: string;
    object_ref: string | null;
    received_at: number;
  };
}

export interface TicketOffersTable {
  space_id: string;
  host_id: string;
  price_minor: number;
  currency: string;
  count: number;
  /** Paid tickets. */
  sold: number;
  /** Seats reserved by pending checkouts. */
  held: number;
  created_at: number;
  updated_at: number;
}

export type TicketState = 'pending' | 'paid' | 'refunded' | 'cancelled';

export interface TicketsTable {
  id: string;
  space_id: string;
  user_id: string;
  host_id: string;
  state: TicketState;
  price_minor: number;
  currency: string;
  provider: string;
  checkout_id: string;
  payment_ref: string | null;
  refund_ref: string | null;
  created_at: number;
  hold_until: number | null;
  paid_at: number | null;
  refunded_at: number | null;
  refund_reason: string | null;
}

export interface TicketSellersTable {
  user_id: string;
  birth_date: string | null;
  granted: number;
  granted_by: string | null;
  stripe_account_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface LedgerTransactionsTable {
  id: string;
  idempotency_key: string;
  kind: 'purchase' | 'settlement' | 'refund' | 'payout';
  currency: string;
  space_id: string | null;
  ticket_id: string | null;
  host_id: string | null;
  external_ref: string | null;
  created_at: number;
}

export interface LedgerEntriesTable {
  id: string;
  transaction_id: string;
  account: string;
  /** Signed minor units; the entries of one transaction sum to zero. */
  amount_minor: number;
  currency: string;
  created_at: number;
}

export interface JobsTable {
  id: string;
  /** Unique: the same job is enqueued once, whoever asks. */
  key: string;
  kind: string;
  /** JSON. */
  payload: string;
  run_at: number;
  attempts: number;
  claimed_by: string | null;
  /** A node that claimed the job holds it until then; past it, another node may take over. */
  lease_until: number | null;
  done_at: number | null;
  failed: number;
  last_error: string | null;
  created_at: number;
}

export interface PushSubscriptionsTable {
  id: string;
  user_id: string;
  endpoint: string;
  /** The browser's P-256 public key, base64url (65 bytes uncompressed). */
  p256dh: string;
  /** The browser's 16-byte auth secret, base64url. */
  auth: string;
  created_at: number;
  last_success_at: number | null;
}

export interface SpacesTable {
  id: string;
  host_id: string;
  state: string;
  title: string;
  description: string;
  /** JSON array of strings. */
  topics: string;
  language: string;
  scheduled_start: number | null;
  started_at: number | null;
  ended_at: number | null;
  recording: number;
  version: number;
  /** The whole SpaceState as JSON. */
  data: string;
  created_at: number;
  updated_at: number;
}

export interface ReportsTable {
  id: string;
  reporter_id: string;
  space_id: string | null;
  target_user_id: string | null;
  /** The clip reported, when the report is about one (its space is `space_id`). */
  clip_id?: string | null;
  reason: string;
  details: string;
  status: 'open' | 'upheld' | 'dismissed';
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
}

export type Role = 'user' | 'moderator' | 'admin';

export interface HostingRequestsTable {
  id: string;
  user_id: string;
  /** What the person wrote to the admins. */
  message: string;
  status: 'open' | 'granted' | 'declined';
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
  /** The admin's answer, shown to the person. */
  decision_note: string;
}

export interface UsersTable {
  id: string;
  handle: string;
  handle_lower: string;
  display_name: string;
  bio: string;
  avatar_key: string | null;
  password_hash: string;
  role: Role;
  can_host: number;
  suspended_at: number | null;
  created_at: number;
}

export interface SessionsTable {
  /** sha256 of the token: a stolen database does not yield usable tokens. */
  id: string;
  user_id: string;
  kind: 'web' | 'api';
  name: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number;
  /** The User-Agent it was opened with (cut to 300 characters); null for older sessions. */
  user_agent: string | null;
}

export interface MediaBlobsTable {
  key: string;
  owner_id: string;
  content_type: string;
  bytes: Buffer;
  created_at: number;
}

export interface PostsTable {
  id: string;
  author_id: string;
  text: string;
  space_id: string | null;
  /** A clip shared in the post; it may be gone since (deleted, expired). */
  clip_id?: string | null;
  created_at: number;
}

export interface DirectMessagesTable {
  id: string;
  sender_id: string;
  recipient_id: string;
  /** "a|b" with a < b: one key per conversation, whoever wrote. */
  pair_key: string;
  text: string;
  space_id: string | null;
  created_at: number;
  read_at: number | null;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  actor_id: string | null;
  post_id: string | null;
  space_id: string | null;
  message_id: string | null;
  created_at: number;
  read_at: number | null;
}

export interface AppealsTable {
  id: string;
  report_id: string;
  user_id: string;
  text: string;
  status: 'pending' | 'granted' | 'denied';
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
}

export interface ModerationLogTable {
  id: string;
  /** Null for the platform itself (the purge job). */
  actor_id: string | null;
  action: string;
  subject_type: 'report' | 'appeal' | 'user' | 'space' | 'archive' | 'hosting_request';
  subject_id: string;
  note: string;
  created_at: number;
}

/** The audio of a space as the HLS packager keeps it (server/src/hls). */
export interface SpaceRecordingsTable {
  space_id: string;
  /** `live` while the packager may still write; `finalized` once the space ended. */
  state: 'live' | 'finalized';
  /** The public replay: none (never recorded, or no audio), ready, or deleted by the host. */
  replay: 'none' | 'ready' | 'deleted';
  /** Length of the replay. */
  duration_ms: number | null;
  plays: number;
  created_at: number;
  finalized_at: number | null;
  deleted_at: number | null;
  /** The Salon node that cut the replay when the space ended (once); null before. */
  cut_by: string | null;
}

/** A packager lease: `owner` runs the space's ffmpeg until `expires_at` unless it renews. */
export interface HlsLeasesTable {
  space_id: string;
  owner: string;
  expires_at: number;
  room: number | null;
  forwarder: number | null;
  /** Set when the space ended on another node: the holder flushes and cuts the replay. */
  ending_at: number | null;
}

/** A space's audience as sampled while live, and its pins when it ended (server/src/replays). */
export interface ReplayStatsTable {
  space_id: string;
  /** The most people present at once that any node saw. */
  peak_listeners: number;
  /** Distinct people who were there (space_listeners), as of the last sample. */
  total_listeners: number;
  /** JSON array of pins at the end; null while live. */
  pins: string | null;
  updated_at: number;
}

/** A clip of a space (server/src/clips), until it expires (CLIP_TTL_DAYS) or is deleted. */
export interface ClipsTable {
  id: string;
  space_id: string;
  creator_id: string;
  title: string;
  source: 'live' | 'replay';
  /** Replay time of its first sample (replay clips); null for live clips. */
  start_ms: number | null;
  duration_ms: number;
  state: 'processing' | 'ready' | 'failed';
  /** Its file under DATA_DIR/clips/, once cut. */
  file: string | null;
  bytes: number | null;
  method: 'copy' | 'encode' | null;
  created_at: number;
  expires_at: number;
  /** Set when deletion starts: gone for every read; the row goes once the file has. */
  deleted_at: number | null;
}

export interface TranscriptLinesTable {
  id: Generated<number>;
  space_id: string;
  utterance_id: string;
  speaker_id: string;
  text: string;
  start_ms: number;
  end_ms: number;
  engine: string;
}
