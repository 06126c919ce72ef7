/**
 * A space's switches: the settings a host (or co-host) turns on or off for
 * the whole space. Each row says everything the wire knows of one switch,
 * and everything else is derived from the table:
 * - the field of the space (`SpaceDto`, the stored state, its default for
 *   spaces stored before the switch existed: `initial`);
 * - the command `PUT /spaces/:id/<path>` with body `{ <body>: boolean }`, its
 *   summary in the OpenAPI document, and the policy action it needs;
 * - the event `{ type: <event>, <switch>: boolean }` and how a client applies it;
 * - the web's checkbox in the host tools, worded by `space:switches.<switch>`
 *   (unless `ownScreen`: a switch shown by a component of its own).
 * A rule in policy.ts whose `needs` names a switch is refused (`turned_off`,
 * the row's `offMessage`) while that switch is off, on the server and in the
 * web's controls alike.
 *
 * Recording is not a switch: it is a button with the REC mark, mirrored in
 * the snapshot, and it starts and cuts the replay (spaces/model.ts).
 */
import type { SpaceAction } from './policy.js';

export interface SwitchRow {
  action: SpaceAction;
  /** The command's path under `/spaces/:id/`. */
  path: string;
  /** The boolean field of the command's body (older switches name it differently). */
  body: string;
  event: string;
  /** Its value in a new space, and in a space stored before the switch existed. */
  initial: boolean;
  summary: string;
  /** What a body field's description and a refused command say. */
  description: string;
  offMessage: string;
  ownScreen?: true;
}

export const SPACE_SWITCHES = {
  allow_guests: {
    action: 'set_guests',
    path: 'guests',
    body: 'allow_guests',
    event: 'settings_changed',
    initial: true,
    summary:
      'Allow or refuse listeners without an account (host); refusing sends the guests present away',
    description: 'Whether people without an account may listen',
    offMessage: 'The host allows only listeners with an account in this space.',
  },
  clipping: {
    action: 'set_clipping',
    path: 'clipping',
    body: 'clipping',
    event: 'clipping_changed',
    initial: true,
    summary: 'Allow or refuse clipping of the space, live and in its replay (host, co-host)',
    description: 'Whether people may clip the space and its replay',
    offMessage: 'The host turned clipping off for this space.',
  },
  captions: {
    action: 'set_captions',
    path: 'captions',
    body: 'enabled',
    event: 'captions_changed',
    initial: false,
    summary: 'Turn live captions on or off for the space (host, co-host; scheduled or live)',
    description: 'Whether captions are on',
    offMessage: 'Captions are off in this space.',
    // Its checkbox says why it cannot be ticked (no engine, another language): captions/.
    ownScreen: true,
  },
  speaker_requests: {
    action: 'set_speaker_requests',
    path: 'speaker-requests',
    body: 'speaker_requests',
    event: 'speaker_requests_changed',
    initial: true,
    summary:
      'Let listeners ask to speak, or lock the stage to the people invited (host, co-host); requests already made stay',
    description: 'Whether listeners may ask to speak',
    offMessage: 'The hosts are not taking requests to speak; they may invite you.',
  },
} as const satisfies Record<string, SwitchRow>;

type Switches = typeof SPACE_SWITCHES;
export type SpaceSwitch = keyof Switches;
export const SWITCH_NAMES = Object.keys(SPACE_SWITCHES) as SpaceSwitch[];

/** The switches' fields, as a space carries them (absent: the row's `initial`). */
export type SwitchFields = { [K in SpaceSwitch]?: boolean };

/** The body of switch `K`'s command. */
export type SwitchBody<K extends SpaceSwitch> = { [F in Switches[K]['body']]: boolean };

type Flat<T> = { [K in keyof T]: T[K] };

/** The event of each switch: `{ type: <event>, <switch>: boolean }`. */
export type SwitchEventPayload = {
  [K in SpaceSwitch]: Flat<{ type: Switches[K]['event'] } & { [F in K]: boolean }>;
}[SpaceSwitch];
export type SwitchEventType = SwitchEventPayload['type'];

export const SWITCH_EVENT_TYPES = SWITCH_NAMES.map(
  (name) => SPACE_SWITCHES[name].event,
) as SwitchEventType[];

/** Whether switch `name` is on in `space` (absent: its initial value). */
export function switchOn(space: SwitchFields, name: SpaceSwitch): boolean {
  return space[name] ?? SPACE_SWITCHES[name].initial;
}

/** Every switch's value, with the initial values filled. */
export function switchValues(space: SwitchFields): Record<SpaceSwitch, boolean> {
  return Object.fromEntries(SWITCH_NAMES.map((name) => [name, switchOn(space, name)])) as Record<
    SpaceSwitch,
    boolean
  >;
}

const BY_EVENT = new Map<string, SpaceSwitch>(
  SWITCH_NAMES.map((name) => [SPACE_SWITCHES[name].event, name]),
);

export function isSwitchEvent<E extends { type: string }>(
  event: E,
): event is Extract<E, SwitchEventPayload> {
  return BY_EVENT.has(event.type);
}

/** Which switch an event turned, and to what. */
export function switchChange(event: SwitchEventPayload): { name: SpaceSwitch; on: boolean } {
  const name = BY_EVENT.get(event.type)!;
  return { name, on: (event as unknown as Record<SpaceSwitch, boolean>)[name] };
}

/** The event that says switch `name` is now `on`. */
export function switchEvent(name: SpaceSwitch, on: boolean): SwitchEventPayload {
  return { type: SPACE_SWITCHES[name].event, [name]: on } as unknown as SwitchEventPayload;
}
