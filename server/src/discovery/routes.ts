import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StageRole } from '@salon/protocol';
import { DiscoverItem } from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';
import { rateLimits } from '../http/limits.js';
import { PageOf } from '../http/pagination.js';
import { requireUser, viewerUserId } from '../http/viewer.js';
import type { Services } from '../services.js';
import type { SpaceState } from '../spaces/model.js';
import { presentSpace, summary } from '../spaces/presenter.js';
import { SpaceDto, SpaceParams } from '../spaces/schemas.js';
import { offersOf } from '../tickets/holders.js';
import { MAX_INVITEES } from './invites.js';

const UserSummary = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
});
const StageRoleSchema = Type.Union([
  Type.Literal('host'),
  Type.Literal('cohost'),
  Type.Literal('speaker'),
]);
const BubbleDto = Type.Object({
  space: SpaceDto,
  followed_on_stage: Type.Array(Type.Object({ user: UserSummary, role: StageRoleSchema }), {
    description: 'People you follow on the stage, host first: the avatars on the bubble',
  }),
  stage_count: Type.Integer(),
  listener_count: Type.Integer({ description: 'Listening now' }),
});
const HomeDto = Type.Object({
  data: Type.Array(BubbleDto),
  rings: Type.Array(
    Type.Object({ user_id: Type.String(), space_id: Type.String(), role: StageRoleSchema }),
    { description: 'Avatars to draw with the live ring: who you follow is on a stage, where' },
  ),
});
const DiscoverQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Union([Type.Literal('live'), Type.Literal('scheduled'), Type.Literal('recorded')], {
        description: '`recorded`: ended spaces with a replay ready',
      }),
    ),
    host_id: Type.Optional(Id),
    topic: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
const InviteBody = Type.Object(
  {
    user_ids: Type.Array(Id, { minItems: 1, maxItems: MAX_INVITEES }),
    text: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const InviteDto = Type.Object({
  invited: Type.Array(Type.String()),
  skipped: Type.Array(Type.Object({ user_id: Type.String(), reason: Type.String() })),
});

/** The home timeline's live bubbles, the Spaces tab, and invitations to a space. */
export function discoveryRoutes(
  services: Pick<
    Services,
    | 'config'
    | 'discovery'
    | 'invites'
    | 'listenersNow'
    | 'social'
    | 'spaceSchedule'
    | 'spaces'
    | 'storage'
  >,
): FastifyPluginAsyncTypebox {
  const { discovery, spaces, social, spaceSchedule, invites } = services;
  const write = rateLimits(services.config).write;
  const tags = ['discovery'];

  /** One user lookup for a whole page of spaces. */
  async function presentAll(states: SpaceState[], extraUserIds: string[] = []) {
    const users = await social.usersByIds([...states.map((s) => s.host_id), ...extraUserIds]);
    const offers = await offersOf(
      services.storage.db,
      states.map((s) => s.id),
    );
    const lookup = { users, posts: new Map(), offers };
    return {
      users,
      present: (s: SpaceState) => presentSpace(s, lookup, services.config.publicUrl),
    };
  }

  return async (app) => {
    app.get(
      '/home/spaces',
      {
        schema: {
          tags,
          summary: 'Live spaces where people you follow host or speak, for the top of home',
          querystring: Type.Object(
            { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) },
            { additionalProperties: false },
          ),
          response: { 200: HomeDto },
        },
      },
      async (request) => {
        const user = requireUser(request);
        const bubbles = await discovery.home(user.id, request.query.limit ?? 20);
        const { users, present } = await presentAll(
          bubbles.map((b) => b.state),
          bubbles.flatMap((b) => b.followed.map((m) => m.user_id)),
        );
        // One ring per person: the highest-ranked space they are on stage in.
        const rings = new Map<string, { user_id: string; space_id: string; role: StageRole }>();
        for (const b of bubbles) {
          for (const m of b.followed) {
            if (!rings.has(m.user_id)) {
              rings.set(m.user_id, { user_id: m.user_id, space_id: b.state.id, role: m.role });
            }
          }
        }
        return {
          data: bubbles.map((b) => ({
            space: present(b.state),
            followed_on_stage: b.followed.map((m) => ({
              user: summary(users.get(m.user_id), m.user_id),
              role: m.role,
            })),
            stage_count: b.state.stage.length,
            listener_count: b.listeners,
          })),
          rings: [...rings.values()],
        };
      },
    );

    app.get(
      '/spaces/discover',
      {
        schema: {
          tags,
          summary: 'Live, upcoming or recorded spaces, by topic or host, with search',
          description:
            '`q` matches the title, description, topics and the host’s handle or name. Live and recorded spaces come newest first, scheduled ones soonest first. `host_id` keeps one host’s spaces (a profile).',
          querystring: DiscoverQuery,
          response: { 200: PageOf(DiscoverItem) },
        },
      },
      async (request) => {
        const viewerId = viewerUserId(request);
        const { states, nextCursor } = await discovery.discover(viewerId, {
          state: request.query.state ?? 'live',
          hostId: request.query.host_id,
          topic: request.query.topic,
          q: request.query.q,
          cursor: request.query.cursor,
          limit: request.query.limit ?? 20,
        });
        const ids = states.map((s) => s.id);
        const [{ present }, counts, mine] = await Promise.all([
          presentAll(states),
          spaceSchedule.reminderCounts(ids),
          spaceSchedule.remindedBy(viewerId, ids),
        ]);
        return {
          data: states.map((s) => ({
            space: present(s),
            listener_count: services.listenersNow(s.id),
            reminder_count: counts.get(s.id) ?? 0,
            reminded: mine.has(s.id),
          })),
          next_cursor: nextCursor,
        };
      },
    );

    // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
    app.post(
      '/spaces/:id/invites',
      {
        ...write,
        schema: {
          tags,
          summary: 'Invite people to join (or follow) the space: a notification and a DM card each',
          params: SpaceParams,
          body: InviteBody,
          response: { 200: InviteDto },
        },
      },
      async (request) => {
        const user = requireUser(request);
        const { state: space } = await spaces.authorizeViewer(
          await spaces.get(request.params.id),
          request.viewer,
          null,
          'invite',
        );
        return invites.invite(user.id, space, request.body.user_ids, request.body.text);
      },
    );
  };
}
