/**
 * The application commands, as plain data in Discord's JSON shape (deployed as is by
 * `npm run deploy-commands`). Handlers read options through `optionName`, so renaming an
 * option here is a type error there.
 */
import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { MAX_QUESTION_CHARS } from '../limits.ts';

/** Commands work in server channels; answers, Pin and feedback are about a channel's messages. */
const GUILD_ONLY = [InteractionContextType.Guild] as const;

/** Longest /sources search: it travels in the paging buttons' custom ids (100 characters). */
export const MAX_SEARCH_CHARS = 80;

export const askCommand = {
  type: ApplicationCommandType.ChatInput,
  name: 'ask',
  description: 'Ask a question; the answer quotes the coverage, with sources.',
  contexts: GUILD_ONLY,
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'question',
      description: 'Your question about the coverage',
      required: true,
      max_length: MAX_QUESTION_CHARS,
    },
  ],
} as const;

export const sourcesCommand = {
  type: ApplicationCommandType.ChatInput,
  name: 'sources',
  description: 'List the indexed articles, optionally only those whose title matches a search.',
  contexts: GUILD_ONLY,
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'search',
      description: 'Words the article title must contain',
      required: false,
      max_length: MAX_SEARCH_CHARS,
    },
  ],
} as const;

export const aboutCommand = {
  type: ApplicationCommandType.ChatInput,
  name: 'about',
  description: 'How many articles and passages are indexed, with which model, built when.',
  contexts: GUILD_ONLY,
} as const;

/** Manage Server only: Discord shows it to those members alone, and the handler checks again. */
export const reindexCommand = {
  type: ApplicationCommandType.ChatInput,
  name: 'reindex',
  description: 'Index new and changed articles of the corpus now (Manage Server only).',
  contexts: GUILD_ONLY,
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
} as const;

/** Manage Server only, like /reindex: what readers asked, for editors. */
export const insightsCommand = {
  type: ApplicationCommandType.ChatInput,
  name: 'insights',
  description: "What readers asked lately, and what the coverage could not answer (Manage Server only).",
  contexts: GUILD_ONLY,
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    {
      type: ApplicationCommandOptionType.Integer,
      name: 'days',
      description: 'How many days back (default 7)',
      required: false,
      min_value: 1,
      max_value: 365,
    },
  ],
} as const;

export const askAboutMessageCommand = {
  type: ApplicationCommandType.Message,
  name: 'Ask the coverage',
  contexts: GUILD_ONLY,
} as const;

export const latestCommand = {
  type: ApplicationCommandType.ChatInput,
  name: 'latest',
  description: "The newest articles on a topic: what's new on it?",
  contexts: GUILD_ONLY,
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'topic',
      description: 'What the articles are about, e.g. "OPEC output"',
      required: true,
      max_length: MAX_QUESTION_CHARS,
    },
  ],
} as const;

export const commandDefinitions = [askCommand, sourcesCommand, aboutCommand, reindexCommand, askAboutMessageCommand, insightsCommand, latestCommand] as const;

type WithOptions = { options: readonly { name: string }[] };

/** An option's name, checked against the command's data at compile time. */
export function optionName<C extends WithOptions>(_command: C, name: C['options'][number]['name']): string {
  return name;
}
