/** Gateway discovery, users, the application, and read-only guild/channel lookups. */
import { DiscordErrors } from '../errors.ts';
import { applicationObject, guildObject } from '../payloads.ts';
import { route } from '../router.ts';
import type { Route } from '../router.ts';
import { requireChannel, requireGuild } from './access.ts';

export const metaRoutes: Route[] = [
  route('GET', '/gateway', (_request, context) => ({ status: 200, body: { url: context.gatewayUrl() } }), {
    auth: 'none',
  }),
  route('GET', '/gateway/bot', (_request, context) => ({
    status: 200,
    body: {
      url: context.gatewayUrl(),
      shards: 1,
      // reset_after also sets how long @discordjs/ws caches this answer.
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    },
  })),
  route('GET', '/users/@me', (_request, context) => ({
    status: 200,
    body: { ...context.state.botUser, verified: true, mfa_enabled: false },
  })),
  route('GET', '/users/:userId', ({ params }, context) => {
    const user = context.state.users.get(params.userId!);
    if (!user) throw DiscordErrors.unknownUser();
    return { status: 200, body: user };
  }),
  route('GET', '/applications/@me', (_request, context) => ({
    status: 200,
    body: applicationObject(context.config, context.state.botUser),
  })),
  route('GET', '/oauth2/applications/@me', (_request, context) => ({
    status: 200,
    body: applicationObject(context.config, context.state.botUser),
  })),
  route('GET', '/guilds/:guildId', ({ params }, context) => {
    requireGuild(context, params.guildId);
    return { status: 200, body: guildObject(context.state.guildSnapshot()) };
  }),
  route('GET', '/guilds/:guildId/channels', ({ params }, context) => {
    requireGuild(context, params.guildId);
    return { status: 200, body: [...context.state.channels.values()] };
  }),
  route('GET', '/guilds/:guildId/roles', ({ params }, context) => {
    requireGuild(context, params.guildId);
    return { status: 200, body: [...context.state.roles.values()] };
  }),
  route('GET', '/guilds/:guildId/members', ({ params, query }, context) => {
    requireGuild(context, params.guildId);
    const limit = Number(query.get('limit') ?? 1);
    return { status: 200, body: [...context.state.members.values()].slice(0, limit) };
  }),
  route('GET', '/guilds/:guildId/members/:userId', ({ params }, context) => {
    requireGuild(context, params.guildId);
    const member = context.state.members.get(params.userId!);
    if (!member) throw DiscordErrors.unknownMember();
    return { status: 200, body: member };
  }),
  route('GET', '/channels/:channelId', ({ params }, context) => ({
    status: 200,
    body: requireChannel(context, params.channelId),
  })),
];
