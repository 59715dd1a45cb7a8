/** Global and guild application commands: bulk overwrite, create/upsert, read, edit, delete. */
import { ApplicationCommandType, ApplicationIntegrationType, InteractionContextType } from 'discord-api-types/v10';
import type { APIApplicationCommand } from 'discord-api-types/v10';
import { DiscordErrors, throwIfInvalid } from '../errors.ts';
import { route } from '../router.ts';
import type { EmulatorContext, Route, RouteRequest } from '../router.ts';
import { validateCommand, validateCommands } from '../validation.ts';
import { requireGuild } from './access.ts';

type CommandBody = Partial<APIApplicationCommand> & { name?: string };

/** Both scopes share handlers; `:guildId` is only present on the guild routes. */
function commandRoutesFor(prefix: string): Route[] {
  return [
    route('GET', `${prefix}/commands`, (request, context) => ({ status: 200, body: scope(request, context) })),
    route('PUT', `${prefix}/commands`, (request, context) => bulkOverwrite(request, context)),
    route('POST', `${prefix}/commands`, (request, context) => upsert(request, context)),
    route('GET', `${prefix}/commands/:commandId`, (request, context) => ({
      status: 200,
      body: findCommand(request, context),
    })),
    route('PATCH', `${prefix}/commands/:commandId`, (request, context) => {
      const existing = findCommand(request, context);
      const merged = { ...existing, ...(request.body as CommandBody) };
      throwIfInvalid(validateCommand(merged));
      Object.assign(existing, merged, { version: context.state.snowflakes.next() });
      return { status: 200, body: existing };
    }),
    route('DELETE', `${prefix}/commands/:commandId`, (request, context) => {
      const list = scope(request, context);
      const existing = findCommand(request, context);
      list.splice(list.indexOf(existing), 1);
      return { status: 204 };
    }),
  ];
}

export const commandRoutes: Route[] = [
  ...commandRoutesFor('/applications/:applicationId'),
  ...commandRoutesFor('/applications/:applicationId/guilds/:guildId'),
];

function scope({ params }: RouteRequest, context: EmulatorContext): APIApplicationCommand[] {
  // Another application's commands are off limits to this bot token.
  if (params.applicationId !== context.config.applicationId) throw DiscordErrors.missingAccess();
  const guildId = params.guildId === undefined ? null : requireGuild(context, params.guildId);
  return context.state.commandsFor(guildId);
}

function bulkOverwrite(request: RouteRequest, context: EmulatorContext) {
  const list = scope(request, context);
  const bodies = request.body;
  if (!Array.isArray(bodies)) {
    throw DiscordErrors.invalidFormBody([{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }]);
  }
  throwIfInvalid(validateCommands(bodies as CommandBody[]));
  // Discord keeps the id of a command whose name and type are unchanged.
  const next = (bodies as CommandBody[]).map((body) => {
    const previous = list.find((command) => command.name === body.name && command.type === commandType(body));
    return storedCommand(context, request.params.guildId, body, previous?.id);
  });
  list.splice(0, list.length, ...next);
  return { status: 200, body: list };
}

function upsert(request: RouteRequest, context: EmulatorContext) {
  const list = scope(request, context);
  const body = (request.body ?? {}) as CommandBody;
  throwIfInvalid(validateCommand(body));
  const index = list.findIndex((command) => command.name === body.name && command.type === commandType(body));
  const command = storedCommand(context, request.params.guildId, body, list[index]?.id);
  if (index === -1) {
    list.push(command);
    return { status: 201, body: command };
  }
  list[index] = command;
  return { status: 200, body: command };
}

function findCommand(request: RouteRequest, context: EmulatorContext): APIApplicationCommand {
  const command = scope(request, context).find((candidate) => candidate.id === request.params.commandId);
  if (!command) throw DiscordErrors.unknownApplicationCommand();
  return command;
}

function commandType(body: CommandBody): ApplicationCommandType {
  return body.type ?? ApplicationCommandType.ChatInput;
}

function storedCommand(
  context: EmulatorContext,
  guildId: string | undefined,
  body: CommandBody,
  existingId: string | undefined,
): APIApplicationCommand {
  const type = commandType(body);
  return {
    ...body,
    id: existingId ?? context.state.snowflakes.next(),
    application_id: context.config.applicationId,
    version: context.state.snowflakes.next(),
    type,
    name: body.name ?? '',
    description: type === ApplicationCommandType.ChatInput ? (body.description ?? '') : '',
    default_member_permissions: body.default_member_permissions ?? null,
    nsfw: body.nsfw ?? false,
    integration_types: body.integration_types ?? [ApplicationIntegrationType.GuildInstall],
    contexts: body.contexts ?? [
      InteractionContextType.Guild,
      InteractionContextType.BotDM,
      InteractionContextType.PrivateChannel,
    ],
    ...(guildId ? { guild_id: guildId } : {}),
  } as APIApplicationCommand;
}
