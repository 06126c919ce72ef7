import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { SpaceState } from '../../spaces/model.js';
import { notFound, type ResourceError, TwitterProblem } from './errors.js';
import {
  type Query,
  QueryReader,
  readSpaceOptions,
  SPACE_FIELD_PARAMS,
  type SpaceOptions,
  TWEET_EXPANSIONS,
  TWEET_FIELDS,
  USER_FIELDS,
} from './fields.js';
import {
  hostIds,
  invitedUserIds,
  presentSpace,
  presentTopic,
  presentTweet,
  presentUser,
  speakerIds,
} from './presenter.js';
import { TwitterQueries } from './queries.js';
import { readBuyersToken } from './tickets.js';

/**
 * A read API compatible with the Twitter API v2 Spaces endpoints, under `/2/`,
 * so that clients and tools written for Twitter read Salon. Authenticated with
 * a bearer token created in Salon (`POST /api/v1/auth/tokens`). It speaks
 * Twitter's envelopes and error shapes, so it has its own error handler and is
 * left out of Salon's OpenAPI document.
 */
export function twitterRoutes(
  services: Pick<Services, 'config' | 'discovery' | 'listenersNow' | 'social' | 'storage'>,
) {
  const { social, config } = services;
  const queries = new TwitterQueries(services.storage.db);
  const hidden = { schema: { hide: true } };

  const viewerOf = (request: FastifyRequest): string => {
    if (request.viewer.kind !== 'user') throw TwitterProblem.unauthorized();
    return request.viewer.user.id;
  };

  const reader = (request: FastifyRequest, allowed: string[]) =>
    new QueryReader((request.query ?? {}) as Query, allowed);

  const check = (r: QueryReader) => {
    if (r.errors.length > 0) throw TwitterProblem.invalid(r.errors);
  };

  /** `data`, `includes`, `errors`, `meta`, in that order, each only when it has something. */
  async function envelope(
    spaces: Array<{ state: SpaceState; updatedAt: number }>,
    options: SpaceOptions,
    extra: { errors?: ResourceError[]; meta?: Record<string, unknown>; single?: boolean },
  ) {
    const tickets = await queries.ticketFacts(spaces.map((s) => s.state.id));
    const data = spaces.map(({ state, updatedAt }) =>
      presentSpace(
        state,
        {
          updatedAt,
          participants: state.state === 'live' ? services.listenersNow(state.id) : 0,
          subscribers: tickets.get(state.id)?.subscribers ?? 0,
          ticketed: tickets.get(state.id)?.ticketed ?? false,
        },
        options.spaceFields,
      ),
    );
    const out: Record<string, unknown> = {};
    if (extra.single) {
      if (data[0]) out['data'] = data[0];
    } else if (data.length > 0) {
      out['data'] = data;
    }
    const includes = await includesFor(
      spaces.map((s) => s.state),
      options,
    );
    if (includes) out['includes'] = includes;
    if (extra.errors?.length) out['errors'] = extra.errors;
    if (extra.meta) out['meta'] = extra.meta;
    return out;
  }

  async function includesFor(states: SpaceState[], options: SpaceOptions) {
    const userIds = new Set<string>();
    const topics = new Set<string>();
    for (const s of states) {
      if (options.expansions.has('creator_id')) userIds.add(s.host_id);
      if (options.expansions.has('host_ids')) for (const id of hostIds(s)) userIds.add(id);
      if (options.expansions.has('speaker_ids')) for (const id of speakerIds(s)) userIds.add(id);
      if (options.expansions.has('invited_user_ids'))
        for (const id of invitedUserIds(s)) userIds.add(id);
      if (options.expansions.has('topic_ids')) for (const t of s.topics) topics.add(t);
    }
    const includes: Record<string, unknown> = {};
    if (userIds.size > 0) {
      const users = await presentUsers([...userIds], options.userFields);
      if (users.length > 0) includes['users'] = users;
    }
    if (topics.size > 0) {
      includes['topics'] = [...topics].map((t) => presentTopic(t, options.topicFields));
    }
    return Object.keys(includes).length > 0 ? includes : null;
  }

  async function presentUsers(ids: string[], fields: SpaceOptions['userFields']) {
    const users = await social.usersByIds(ids);
    const withMetrics = fields.has('public_metrics');
    const out = [];
    for (const id of ids) {
      const user = users.get(id);
      if (!user) continue;
      const facts = withMetrics ? await social.counts(id) : undefined;
      out.push(presentUser(user, facts, fields, config.publicUrl));
    }
    return out;
  }

  return async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof TwitterProblem) return reply.status(error.status).send(error.body);
      if (isAppError(error)) {
        // From Salon's own layers: sign-in problems, cursors, topics.
        const problem =
          error.kind === 'unauthenticated'
            ? TwitterProblem.unauthorized()
            : error.kind === 'forbidden'
              ? TwitterProblem.forbidden(error.message)
              : error.kind === 'rate_limited'
                ? TwitterProblem.tooManyRequests()
                : TwitterProblem.invalid([
                    { parameters: parametersOf(error.details), message: error.message },
                  ]);
        return reply.status(problem.status).send(problem.body);
      }
      if (error.statusCode === 429) {
        const problem = TwitterProblem.tooManyRequests();
        return reply.status(429).send(problem.body);
      }
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        const problem = TwitterProblem.invalid([{ parameters: {}, message: error.message }]);
        return reply.status(400).send(problem.body);
      }
      request.log.error({ err: error }, 'unhandled error in the Twitter-compatible API');
      return reply.status(500).send(TwitterProblem.internal().body);
    });
    const unknownRoute = (_request: FastifyRequest, reply: FastifyReply) => {
      const problem = TwitterProblem.notFoundRoute();
      return reply.status(404).send(problem.body);
    };
    app.setNotFoundHandler(unknownRoute);
    // Claims the rest of /2/ ahead of the web app's catch-all page.
    app.all('/*', hidden, unknownRoute);

    app.get('/spaces/search', hidden, async (request) => {
      const viewerId = viewerOf(request);
      const r = reader(request, ['query', 'state', 'max_results', ...SPACE_FIELD_PARAMS]);
      const query = r.text('query', { required: true, max: 2048 });
      const state = r.oneOf('state', ['live', 'scheduled', 'all'] as const, 'all');
      const max = r.integer('max_results', 1, 100, 100);
      const options = readSpaceOptions(r);
      check(r);
      const found: SpaceState[] = [];
      for (const s of state === 'all' ? (['live', 'scheduled'] as const) : [state]) {
        if (found.length >= max) break;
        const page = await services.discovery.discover(viewerId, {
          state: s,
          q: query,
          limit: max - found.length,
        });
        found.push(...page.states);
      }
      const loaded = await queries.spaces(found.map((s) => s.id));
      const spaces = found.flatMap((s) => loaded.get(s.id) ?? []);
      return envelope(spaces, options, { meta: { result_count: spaces.length } });
    });

    app.get('/spaces/by/creator_ids', hidden, async (request) => {
      const viewerId = viewerOf(request);
      const r = reader(request, ['user_ids', 'max_results', ...SPACE_FIELD_PARAMS]);
      const userIds = r.ids('user_ids', 100);
      const max = r.integer('max_results', 1, 100, 100);
      const options = readSpaceOptions(r);
      check(r);
      const known = await social.usersByIds(userIds);
      const errors = userIds
        .filter((id) => !known.has(id))
        .map((id) => notFound('user', 'user_ids', id));
      const spaces = (await queries.spacesOfHosts([...known.keys()], viewerId, max)).filter(
        (s) => !s.state.removed_user_ids.includes(viewerId),
      );
      return envelope(spaces, options, { errors, meta: { result_count: spaces.length } });
    });

    app.get('/spaces', hidden, async (request) => {
      viewerOf(request);
      const r = reader(request, ['ids', ...SPACE_FIELD_PARAMS]);
      const ids = r.ids('ids', 100);
      const options = readSpaceOptions(r);
      check(r);
      const loaded = await queries.spaces(ids);
      const errors = ids.filter((id) => !loaded.has(id)).map((id) => notFound('space', 'ids', id));
      const spaces = ids.flatMap((id) => loaded.get(id) ?? []);
      return envelope(spaces, options, { errors });
    });

    app.get<{ Params: { id: string } }>('/spaces/:id', hidden, async (request) => {
      viewerOf(request);
      const r = reader(request, SPACE_FIELD_PARAMS);
      const id = checkedId(request.params.id);
      const options = readSpaceOptions(r);
      check(r);
      const loaded = await queries.spaces([id]);
      const space = loaded.get(id);
      return envelope(space ? [space] : [], options, {
        single: true,
        errors: space ? [] : [notFound('space', 'id', id)],
      });
    });

    // Alike in shape only: each Twitter endpoint reads its own parameters and answers its own shape.
    app.get<{ Params: { id: string } }>('/spaces/:id/buyers', hidden, async (request) => {
      const viewerId = viewerOf(request);
      const r = reader(request, [
        'user.fields',
        'expansions',
        'tweet.fields',
        'pagination_token',
        'max_results',
      ]);
      const id = checkedId(request.params.id);
      const userFields = r.list('user.fields', USER_FIELDS);
      // Salon has no pinned posts on profiles: the expansion is accepted and includes nothing.
      r.list('expansions', ['pinned_tweet_id'] as const);
      r.list('tweet.fields', TWEET_FIELDS);
      const max = r.integer('max_results', 1, 100, 100);
      const offset = readBuyersToken(r, r.text('pagination_token', { required: false, max: 200 }));
      check(r);
      const space = (await queries.spaces([id])).get(id);
      if (!space) return { errors: [notFound('space', 'id', id)] };
      // The list of buyers is the creator's to see, as on Twitter.
      if (space.state.host_id !== viewerId) {
        throw TwitterProblem.forbidden('Only the creator of a Space can see who bought tickets.');
      }
      // Those holding a paid ticket now (not refunded), oldest purchase first.
      const page = await queries.buyersPage(id, offset, max);
      const users = await presentUsers(page.userIds, userFields);
      const out: Record<string, unknown> = {};
      if (users.length > 0) out['data'] = users;
      out['meta'] = {
        result_count: users.length,
        ...(page.nextToken ? { next_token: page.nextToken } : {}),
      };
      return out;
    });

    // Alike in shape only: each Twitter endpoint reads its own parameters and answers its own shape.
    app.get<{ Params: { id: string } }>('/spaces/:id/tweets', hidden, async (request) => {
      const viewerId = viewerOf(request);
      const r = reader(request, [
        'tweet.fields',
        'user.fields',
        'expansions',
        'max_results',
        'media.fields',
        'place.fields',
        'poll.fields',
      ]);
      const id = checkedId(request.params.id);
      const tweetFields = r.list('tweet.fields', TWEET_FIELDS);
      const userFields = r.list('user.fields', USER_FIELDS);
      const expansions = r.list('expansions', TWEET_EXPANSIONS);
      const max = r.integer('max_results', 1, 100, 100);
      check(r);
      const space = (await queries.spaces([id])).get(id);
      if (!space) return { errors: [notFound('space', 'id', id)] };
      // Posts that embed the space, and the posts pinned in it.
      const pinned = space.state.pins.map((p) => p.post_id);
      const posts = await queries.postsAbout(id, pinned, viewerId, max);
      const out: Record<string, unknown> = {};
      if (posts.length > 0) out['data'] = posts.map((p) => presentTweet(p, tweetFields));
      if (expansions.has('author_id') && posts.length > 0) {
        const authors = [...new Set(posts.map((p) => p.author_id))];
        out['includes'] = { users: await presentUsers(authors, userFields) };
      }
      out['meta'] = { result_count: posts.length };
      return out;
    });
  };
}

function checkedId(id: string): string {
  if (!/^[A-Za-z0-9]{1,64}$/.test(id)) {
    throw TwitterProblem.invalid([
      {
        parameters: { id: [id] },
        message: `The \`id\` query parameter value [${id}] does not match ^[A-Za-z0-9]{1,64}$`,
      },
    ]);
  }
  return id;
}

/** The query parameter a Salon error names (`details.field` = `query.<name>`), as Twitter lists it. */
function parametersOf(details: Record<string, unknown> | undefined): Record<string, string[]> {
  const field = details?.['field'];
  if (typeof field !== 'string' || !field.startsWith('query.')) return {};
  return { [field.slice('query.'.length).split('.')[0]!]: [] };
}
