/**
 * The subset of Discord's request validation that a bot can realistically trip over:
 * message/embed length limits and application command definitions.
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord-api-types/v10';
import type { APIEmbed } from 'discord-api-types/v10';
import type { FieldErrorAt } from './errors.ts';

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooterText: 2048,
  embedAuthorName: 256,
  embedTotal: 6000,
  commandDescription: 100,
  commandOptions: 25,
  commandChoices: 25,
} as const;

type Path = ReadonlyArray<string | number>;

/** The message fields the emulator understands, shared by channel messages, webhooks and interaction callbacks. */
export interface MessageInput {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: unknown[] | null;
  attachments?: unknown[] | null;
  flags?: number | null;
  tts?: boolean;
  sticker_ids?: string[] | null;
  poll?: unknown;
  message_reference?: { message_id?: string; channel_id?: string; fail_if_not_exists?: boolean } | null;
  allowed_mentions?: { parse?: string[]; users?: string[]; roles?: string[]; replied_user?: boolean } | null;
}

const tooLong = (path: Path, max: number): FieldErrorAt => ({
  path,
  code: 'BASE_TYPE_MAX_LENGTH',
  message: `Must be ${max} or fewer in length.`,
});

const required = (path: Path): FieldErrorAt => ({ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });

function checkLength(errors: FieldErrorAt[], value: unknown, max: number, path: Path): void {
  if (typeof value === 'string' && value.length > max) errors.push(tooLong(path, max));
}

/** Field-level checks; `prefix` is `['data']` for interaction callbacks, as Discord nests those errors. */
export function validateMessageInput(input: MessageInput, prefix: Path = []): FieldErrorAt[] {
  const errors: FieldErrorAt[] = [];
  checkLength(errors, input.content, LIMITS.content, [...prefix, 'content']);
  const embeds = input.embeds ?? [];
  if (embeds.length > LIMITS.embeds) errors.push(tooLong([...prefix, 'embeds'], LIMITS.embeds));
  embeds.forEach((embed, index) => errors.push(...validateEmbed(embed, [...prefix, 'embeds', index])));
  // Discord checks the 6000 character budget across all embeds of the message.
  if (errors.length === 0 && embeds.reduce((sum, embed) => sum + embedTextLength(embed), 0) > LIMITS.embedTotal) {
    errors.push({
      path: [...prefix, 'embeds'],
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: `Embed size exceeds maximum size of ${LIMITS.embedTotal}`,
    });
  }
  return errors;
}

function validateEmbed(embed: APIEmbed, path: Path): FieldErrorAt[] {
  const errors: FieldErrorAt[] = [];
  checkLength(errors, embed.title, LIMITS.embedTitle, [...path, 'title']);
  checkLength(errors, embed.description, LIMITS.embedDescription, [...path, 'description']);
  checkLength(errors, embed.footer?.text, LIMITS.embedFooterText, [...path, 'footer', 'text']);
  checkLength(errors, embed.author?.name, LIMITS.embedAuthorName, [...path, 'author', 'name']);
  const fields = embed.fields ?? [];
  if (fields.length > LIMITS.embedFields) errors.push(tooLong([...path, 'fields'], LIMITS.embedFields));
  fields.forEach((field, index) => {
    const fieldPath = [...path, 'fields', index];
    if (!field.name) errors.push(required([...fieldPath, 'name']));
    if (!field.value) errors.push(required([...fieldPath, 'value']));
    checkLength(errors, field.name, LIMITS.embedFieldName, [...fieldPath, 'name']);
    checkLength(errors, field.value, LIMITS.embedFieldValue, [...fieldPath, 'value']);
  });
  return errors;
}

export function embedTextLength(embed: APIEmbed): number {
  const texts = [
    embed.title,
    embed.description,
    embed.footer?.text,
    embed.author?.name,
    ...(embed.fields ?? []).flatMap((field) => [field.name, field.value]),
  ];
  return texts.reduce((sum, text) => sum + (text?.length ?? 0), 0);
}

/** Discord refuses messages with nothing to show (code 50006). */
export function isEmptyMessage(message: {
  content?: string | null;
  embeds?: unknown[] | null;
  components?: unknown[] | null;
  attachments?: unknown[] | null;
  sticker_ids?: unknown[] | null;
  poll?: unknown;
}): boolean {
  return (
    !message.content &&
    !message.embeds?.length &&
    !message.components?.length &&
    !message.attachments?.length &&
    !message.sticker_ids?.length &&
    !message.poll
  );
}

// Discord's documented name rule for chat input commands and options.
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

interface CommandLike {
  name?: unknown;
  description?: unknown;
  type?: unknown;
  options?: unknown;
}

interface OptionLike extends CommandLike {
  required?: unknown;
  choices?: unknown;
}

export function validateCommands(commands: readonly CommandLike[]): FieldErrorAt[] {
  const errors: FieldErrorAt[] = [];
  const seen = new Set<string>();
  commands.forEach((command, index) => {
    errors.push(...validateCommand(command, [index]));
    const key = `${Number(command.type ?? ApplicationCommandType.ChatInput)}:${String(command.name)}`;
    if (seen.has(key)) {
      errors.push({
        path: [index, 'name'],
        code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
        message: 'Application command names must be unique',
      });
    }
    seen.add(key);
  });
  return errors;
}

export function validateCommand(command: CommandLike, path: Path = []): FieldErrorAt[] {
  const errors: FieldErrorAt[] = [];
  const type = Number(command.type ?? ApplicationCommandType.ChatInput);
  if (typeof command.name !== 'string' || command.name.length === 0) {
    errors.push(required([...path, 'name']));
    return errors;
  }
  if (type === ApplicationCommandType.ChatInput) {
    if (!isValidChatInputName(command.name)) errors.push(invalidName([...path, 'name']));
    errors.push(...validateDescription(command.description, [...path, 'description']));
    errors.push(...validateOptions(command.options, [...path, 'options']));
  } else {
    checkLength(errors, command.name, 32, [...path, 'name']);
    if (command.description) {
      errors.push({
        path: [...path, 'description'],
        code: 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID',
        message: 'Context menu commands cannot have description',
      });
    }
  }
  return errors;
}

function validateOptions(options: unknown, path: Path): FieldErrorAt[] {
  if (options === undefined || options === null) return [];
  if (!Array.isArray(options)) return [{ path, code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  const errors: FieldErrorAt[] = [];
  if (options.length > LIMITS.commandOptions) errors.push(tooLong(path, LIMITS.commandOptions));
  let sawOptional = false;
  (options as OptionLike[]).forEach((option, index) => {
    const optionPath = [...path, index];
    if (typeof option.name !== 'string' || !isValidChatInputName(option.name)) {
      errors.push(invalidName([...optionPath, 'name']));
    }
    errors.push(...validateDescription(option.description, [...optionPath, 'description']));
    if (Array.isArray(option.choices) && option.choices.length > LIMITS.commandChoices) {
      errors.push(tooLong([...optionPath, 'choices'], LIMITS.commandChoices));
    }
    const isGroup =
      option.type === ApplicationCommandOptionType.Subcommand ||
      option.type === ApplicationCommandOptionType.SubcommandGroup;
    if (isGroup) {
      errors.push(...validateOptions(option.options, [...optionPath, 'options']));
      return;
    }
    if (option.required === true && sawOptional) {
      errors.push({
        path: [...optionPath, 'required'],
        code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        message: 'Required options must be placed before non-required options',
      });
    }
    if (option.required !== true) sawOptional = true;
  });
  return errors;
}

function validateDescription(description: unknown, path: Path): FieldErrorAt[] {
  if (typeof description !== 'string' || description.length < 1 || description.length > LIMITS.commandDescription) {
    const message = `Must be between 1 and ${LIMITS.commandDescription} in length.`;
    return [{ path, code: 'BASE_TYPE_BAD_LENGTH', message }];
  }
  return [];
}

function isValidChatInputName(name: string): boolean {
  // Names must be lowercase wherever a lowercase variant exists.
  return CHAT_INPUT_NAME.test(name) && name === name.toLowerCase();
}

function invalidName(path: Path): FieldErrorAt {
  return { path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' };
}
