/** Discord's message limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  /** Title, description, field names and values, footer and author of all embeds of one message. */
  embedTotal: 6000,
  customId: 100,
  buttonLabel: 80,
  buttonsPerRow: 5,
} as const;

/** Interaction tokens accept follow-ups and edits for 15 minutes; we stop a little earlier. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60 * 1000;
export const INTERACTION_TOKEN_SAFETY_MS = 30 * 1000;

/** Questions longer than this get a hint instead of an answer (issue #4: > 500 characters). */
export const MAX_QUESTION_CHARS = 500;
