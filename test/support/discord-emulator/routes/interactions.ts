/**
 * Interaction callbacks and the interaction webhook (`@original`, follow-ups), with Discord's
 * rules: one initial response within the deadline, deferred responses as loading messages,
 * ephemeral messages that never reach the channel.
 */
import {
  ApplicationIntegrationType,
  ComponentType,
  GatewayDispatchEvents,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  TextInputStyle,
} from 'discord-api-types/v10';
import type { APIMessage, APIMessageInteractionMetadata } from 'discord-api-types/v10';
import { DiscordErrors, DiscordHttpError, throwIfInvalid } from '../errors.ts';
import type { FieldErrorAt } from '../errors.ts';
import { createMessage, finishLoading, gatewayMessageData } from '../messages.ts';
import type { UploadedFile } from '../messages.ts';
import { route } from '../router.ts';
import type { EmulatorContext, Route, RouteRequest } from '../router.ts';
import type { InteractionAction, InteractionRecord } from '../state.ts';
import { isEmptyMessage, validateMessageInput } from '../validation.ts';
import type { MessageInput } from '../validation.ts';
import { editWithEmptyCheck, publishNewMessage } from './channels.ts';

/** Interaction tokens stay valid for follow-ups this long. */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

const RESPONSE_FLAGS =
  MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

interface CallbackBody {
  type?: number;
  data?: MessageInput & { custom_id?: string; title?: string };
}

export const interactionRoutes: Route[] = [
  route('POST', '/interactions/:interactionId/:token/callback', respond, { auth: 'none' }),
  route('POST', '/webhooks/:applicationId/:token', followUp, { auth: 'none' }),
  route(
    'GET',
    '/webhooks/:applicationId/:token/messages/:messageId',
    ({ params }, context) => {
      const record = requireWebhookInteraction(context, params);
      return { status: 200, body: requireResponseMessage(record, params.messageId!) };
    },
    { auth: 'none' },
  ),
  route('PATCH', '/webhooks/:applicationId/:token/messages/:messageId', editResponse, { auth: 'none' }),
  route('DELETE', '/webhooks/:applicationId/:token/messages/:messageId', deleteResponse, { auth: 'none' }),
];

function respond({ params, query, body }: RouteRequest, context: EmulatorContext) {
  const record = context.state.interactions.get(params.interactionId!);
  if (!record || record.token !== params.token) throw DiscordErrors.unknownInteraction();
  if (record.callback) throw DiscordErrors.alreadyAcknowledged();
  const deadline = context.config.interactionAckDeadlineMs;
  // Past the 3 second window Discord has already shown "The application did not respond".
  if (deadline > 0 && Date.now() - record.dispatchedAt > deadline) throw DiscordErrors.unknownInteraction();

  const { type, data = {} } = (body ?? {}) as CallbackBody;
  // A modal submitted from a button may also update the button's message (types 6 and 7).
  const isComponent = record.kind === 'button' || (record.kind === 'modalSubmit' && 'message' in record.payload);
  switch (type) {
    case InteractionResponseType.ChannelMessageWithSource: {
      throwIfInvalid(validateMessageInput(data, ['data']));
      if (isEmptyMessage(data)) throw DiscordErrors.emptyMessage();
      const message = responseMessage(context, record, data, []);
      record.ephemeral = hasFlag(message, MessageFlags.Ephemeral);
      record.original = message;
      if (!record.ephemeral) publishNewMessage(context, message);
      break;
    }
    case InteractionResponseType.DeferredChannelMessageWithSource: {
      // The "<bot> is thinking…" placeholder; only the ephemeral flag of `data` matters.
      const ephemeral = ((data.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
      const flags = ephemeral ? MessageFlags.Ephemeral : 0;
      const message = responseMessage(context, record, { flags }, [], MessageFlags.Loading);
      record.deferred = true;
      record.ephemeral = ephemeral;
      record.original = message;
      if (!ephemeral) publishNewMessage(context, message);
      break;
    }
    case InteractionResponseType.DeferredMessageUpdate:
    case InteractionResponseType.UpdateMessage: {
      if (!isComponent) throw invalidCallbackType();
      const message = componentMessage(context, record);
      if (type === InteractionResponseType.UpdateMessage) {
        throwIfInvalid(validateMessageInput(data, ['data']));
        editWithEmptyCheck(context, message, data, []);
        if (context.state.findChannelMessage(message.channel_id, message.id)) {
          context.gateway.dispatch(GatewayDispatchEvents.MessageUpdate, gatewayMessageData(context.state, message));
        }
      } else {
        record.deferred = true;
      }
      record.ephemeral = hasFlag(message, MessageFlags.Ephemeral);
      record.original = message;
      break;
    }
    case InteractionResponseType.Modal: {
      // A modal cannot answer a modal.
      if (record.kind === 'modalSubmit') throw invalidCallbackType();
      throwIfInvalid(validateModal(data));
      record.modal = data;
      break;
    }
    case InteractionResponseType.ApplicationCommandAutocompleteResult:
    case InteractionResponseType.Pong:
      // The emulator only creates commands and components, for which these are invalid.
      throw invalidCallbackType();
    case InteractionResponseType.PremiumRequired:
    case InteractionResponseType.LaunchActivity:
      break;
    default:
      throw DiscordErrors.invalidFormBody([
        { path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of ${validCallbackTypes()}.` },
      ]);
  }

  record.callback = { type: type as InteractionResponseType, data, at: Date.now() };
  logAction(record, 'callback', record.original?.id ?? null, body);
  if (query.get('with_response') !== 'true') return { status: 204 };
  return { status: 200, body: callbackResponse(record, type) };
}

function followUp({ params, query, body, files }: RouteRequest, context: EmulatorContext) {
  const record = requireWebhookInteraction(context, params);
  const input = (body ?? {}) as MessageInput;
  throwIfInvalid(validateMessageInput(input));
  if (isEmptyMessage({ ...input, attachments: files })) throw DiscordErrors.emptyMessage();

  let message: APIMessage;
  const original = record.original;
  const replacesLoadingMessage =
    original !== null &&
    record.callback?.type === InteractionResponseType.DeferredChannelMessageWithSource &&
    hasFlag(original, MessageFlags.Loading);
  if (replacesLoadingMessage) {
    // The first follow-up after a deferred reply replaces the loading message, keeping its ephemerality.
    editWithEmptyCheck(context, original, { ...input, flags: undefined }, files);
    finishLoading(original);
    if (!record.ephemeral) {
      context.gateway.dispatch(GatewayDispatchEvents.MessageUpdate, gatewayMessageData(context.state, original));
    }
    message = original;
  } else {
    message = responseMessage(context, record, input, files);
    record.followUps.push(message);
    if (!hasFlag(message, MessageFlags.Ephemeral)) publishNewMessage(context, message);
  }
  logAction(record, 'follow-up', message.id, body);
  return query.get('wait') === 'true' ? { status: 200, body: message } : { status: 204 };
}

function editResponse({ params, body, files }: RouteRequest, context: EmulatorContext) {
  const record = requireWebhookInteraction(context, params);
  const message = requireResponseMessage(record, params.messageId!);
  const input = (body ?? {}) as MessageInput;
  throwIfInvalid(validateMessageInput(input));
  editWithEmptyCheck(context, message, { ...input, flags: undefined }, files);
  finishLoading(message);
  if (context.state.findChannelMessage(message.channel_id, message.id)) {
    context.gateway.dispatch(GatewayDispatchEvents.MessageUpdate, gatewayMessageData(context.state, message));
  }
  logAction(record, message === record.original ? 'edit-original' : 'edit-follow-up', message.id, body);
  return { status: 200, body: message };
}

function deleteResponse({ params }: RouteRequest, context: EmulatorContext) {
  const record = requireWebhookInteraction(context, params);
  const message = requireResponseMessage(record, params.messageId!);
  if (context.state.removeChannelMessage(message.channel_id, message.id)) {
    context.gateway.dispatch(GatewayDispatchEvents.MessageDelete, {
      id: message.id,
      channel_id: message.channel_id,
      guild_id: context.state.guildId,
    });
  }
  const isOriginal = message === record.original;
  if (isOriginal) record.original = null;
  else record.followUps = record.followUps.filter((followUpMessage) => followUpMessage !== message);
  logAction(record, isOriginal ? 'delete-original' : 'delete-follow-up', message.id, undefined);
  return { status: 204 };
}

function requireWebhookInteraction(context: EmulatorContext, params: Record<string, string>): InteractionRecord {
  if (params.applicationId !== context.config.applicationId) throw DiscordErrors.unknownWebhook();
  const record = context.state.interactionByToken(params.token!);
  if (!record) throw DiscordErrors.unknownWebhook();
  if (Date.now() - record.dispatchedAt > TOKEN_LIFETIME_MS) {
    throw new DiscordHttpError(401, { message: 'Invalid Webhook Token', code: 50027 });
  }
  // The webhook only exists once the interaction was acknowledged.
  if (!record.callback) throw DiscordErrors.unknownWebhook();
  return record;
}

function requireResponseMessage(record: InteractionRecord, messageId: string): APIMessage {
  const message =
    messageId === '@original'
      ? record.original
      : [record.original, ...record.followUps].find((candidate) => candidate?.id === messageId);
  if (!message) throw DiscordErrors.unknownMessage();
  return message;
}

function responseMessage(
  context: EmulatorContext,
  record: InteractionRecord,
  input: MessageInput,
  files: readonly UploadedFile[],
  extraFlags = 0,
): APIMessage {
  return createMessage(context.state, {
    channelId: record.channelId,
    author: context.state.botUser,
    input: { ...input, flags: (input.flags ?? 0) & RESPONSE_FLAGS },
    files,
    webhookId: context.config.applicationId,
    interactionMetadata: interactionMetadata(context, record),
    extraFlags,
  });
}

function componentMessage(context: EmulatorContext, record: InteractionRecord): APIMessage {
  const payload = record.payload as { message?: APIMessage };
  const live = payload.message && context.state.findAnyMessage(payload.message.id);
  if (!live) throw DiscordErrors.unknownMessage();
  return live;
}

function interactionMetadata(context: EmulatorContext, record: InteractionRecord): APIMessageInteractionMetadata {
  const base = {
    id: record.id,
    user: context.state.requireUser(record.userId),
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: context.state.guildId },
  };
  if (record.kind === 'button') {
    const message = (record.payload as { message?: APIMessage }).message;
    return { ...base, type: InteractionType.MessageComponent, interacted_message_id: message?.id ?? '0' };
  }
  if (record.kind === 'modalSubmit') {
    const message = (record.payload as { message?: APIMessage }).message;
    const opener = message ? [...context.state.interactions.values()].find((r) => r.kind === 'button' && r.modal && (r.payload as { message?: APIMessage }).message?.id === message.id) : undefined;
    return {
      ...base,
      type: InteractionType.ModalSubmit,
      triggering_interaction_metadata: opener
        ? { ...(interactionMetadata(context, opener) as object), type: InteractionType.MessageComponent }
        : { ...base, type: InteractionType.ApplicationCommand },
    } as APIMessageInteractionMetadata;
  }
  const data = record.payload.data as { target_id?: string } | undefined;
  return {
    ...base,
    type: InteractionType.ApplicationCommand,
    ...(data?.target_id ? { target_message_id: data.target_id } : {}),
  };
}

function callbackResponse(record: InteractionRecord, type: InteractionResponseType) {
  const message = record.original;
  const createsMessage =
    type === InteractionResponseType.ChannelMessageWithSource ||
    type === InteractionResponseType.DeferredChannelMessageWithSource ||
    type === InteractionResponseType.UpdateMessage;
  return {
    interaction: {
      id: record.id,
      type: record.payload.type,
      ...(createsMessage && message
        ? {
            response_message_id: message.id,
            response_message_loading: hasFlag(message, MessageFlags.Loading),
            response_message_ephemeral: hasFlag(message, MessageFlags.Ephemeral),
          }
        : {}),
    },
    resource: { type, ...(createsMessage && message ? { message } : {}) },
  };
}

function logAction(record: InteractionRecord, action: InteractionAction, messageId: string | null, body: unknown): void {
  record.timeline.push({ action, at: Date.now(), messageId, body });
}

function hasFlag(message: APIMessage, flag: MessageFlags): boolean {
  return ((message.flags ?? 0) & flag) === flag;
}

function invalidCallbackType(): DiscordHttpError {
  return DiscordErrors.invalidFormBody([
    {
      path: ['type'],
      code: 'INTERACTION_RESPONSE_TYPE_INVALID',
      message: 'Interaction response type is invalid for this interaction.',
    },
  ]);
}

function validCallbackTypes(): string {
  return `(${Object.values(InteractionResponseType).filter((value) => typeof value === 'number').join(', ')})`;
}

interface ModalInput {
  type?: number;
  custom_id?: string;
  style?: number;
  label?: string;
  max_length?: number;
  min_length?: number;
}

/** Discord's checks on a modal (callback type 9): title, custom id, 1-5 components, text inputs. */
function validateModal(data: NonNullable<CallbackBody['data']>): FieldErrorAt[] {
  const errors: FieldErrorAt[] = [];
  const at = (path: Array<string | number>, code: string, message: string) => errors.push({ path: ['data', ...path], code, message });
  if (!data.custom_id) at(['custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
  else if (data.custom_id.length > 100) at(['custom_id'], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  if (!data.title) at(['title'], 'BASE_TYPE_REQUIRED', 'This field is required');
  else if (data.title.length > 45) at(['title'], 'BASE_TYPE_MAX_LENGTH', 'Must be 45 or fewer in length.');
  const components = (data.components ?? []) as Array<{ type?: number; label?: string; component?: ModalInput; components?: ModalInput[] }>;
  if (components.length < 1 || components.length > 5) at(['components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  const checkInput = (input: ModalInput | undefined, path: Array<string | number>, needsLabel: boolean) => {
    if (!input || input.type !== ComponentType.TextInput) return at(path, 'COMPONENT_TYPE_INVALID', 'The specified component type is invalid in this context');
    if (!input.custom_id) at([...path, 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (input.style !== TextInputStyle.Short && input.style !== TextInputStyle.Paragraph) at([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2).');
    if (needsLabel && !input.label) at([...path, 'label'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (input.label && input.label.length > 45) at([...path, 'label'], 'BASE_TYPE_MAX_LENGTH', 'Must be 45 or fewer in length.');
    if (input.max_length !== undefined && (input.max_length < 1 || input.max_length > 4000)) at([...path, 'max_length'], 'NUMBER_TYPE_MAX', 'int value should be between 1 and 4000.');
  };
  components.forEach((component, i) => {
    if (component.type === ComponentType.Label) {
      if (!component.label) at(['components', i, 'label'], 'BASE_TYPE_REQUIRED', 'This field is required');
      else if (component.label.length > 45) at(['components', i, 'label'], 'BASE_TYPE_MAX_LENGTH', 'Must be 45 or fewer in length.');
      checkInput(component.component, ['components', i, 'component'], false);
    } else if (component.type === ComponentType.ActionRow) {
      (component.components ?? []).forEach((input, j) => checkInput(input, ['components', i, 'components', j], true));
    } else {
      at(['components', i, 'type'], 'COMPONENT_TYPE_INVALID', 'The specified component type is invalid in this context');
    }
  });
  return errors;
}
