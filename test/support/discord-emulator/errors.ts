/** Discord's JSON error bodies (https://discord.com/developers/docs/topics/opcodes-and-status-codes). */

export interface DiscordFieldError {
  code: string;
  message: string;
}

/** Nested `{ field: { 0: { _errors: [...] } } }` object, as Discord returns for code 50035. */
export interface DiscordFormErrors {
  _errors?: DiscordFieldError[];
  [key: string]: DiscordFormErrors | DiscordFieldError[] | undefined;
}

export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: DiscordFormErrors;
}

export interface FieldErrorAt extends DiscordFieldError {
  path: ReadonlyArray<string | number>;
}

export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody,
  ) {
    super(`${status} ${body.message} (code ${body.code})`);
    this.name = 'DiscordHttpError';
  }
}

const error = (status: number, code: number, message: string) => new DiscordHttpError(status, { message, code });

export const DiscordErrors = {
  notFound: () => error(404, 0, '404: Not Found'),
  unauthorized: () => error(401, 0, '401: Unauthorized'),
  methodNotAllowed: () => error(405, 0, '405: Method Not Allowed'),
  unknownChannel: () => error(404, 10003, 'Unknown Channel'),
  unknownGuild: () => error(404, 10004, 'Unknown Guild'),
  unknownMember: () => error(404, 10007, 'Unknown Member'),
  unknownMessage: () => error(404, 10008, 'Unknown Message'),
  unknownUser: () => error(404, 10013, 'Unknown User'),
  unknownWebhook: () => error(404, 10015, 'Unknown Webhook'),
  unknownInteraction: () => error(404, 10062, 'Unknown interaction'),
  unknownApplicationCommand: () => error(404, 10063, 'Unknown application command'),
  alreadyAcknowledged: () => error(400, 40060, 'Interaction has already been acknowledged.'),
  missingAccess: () => error(403, 50001, 'Missing Access'),
  cannotEditOthersMessage: () => error(403, 50005, 'Cannot edit a message authored by another user'),
  emptyMessage: () => error(400, 50006, 'Cannot send an empty message'),
  missingPermissions: () => error(403, 50013, 'Missing Permissions'),
  maxPins: () => error(400, 30003, 'Maximum number of pins reached (250)'),
  invalidFormBody: (fieldErrors: readonly FieldErrorAt[]) =>
    new DiscordHttpError(400, { message: 'Invalid Form Body', code: 50035, errors: nestFieldErrors(fieldErrors) }),
};

export function throwIfInvalid(fieldErrors: readonly FieldErrorAt[]): void {
  if (fieldErrors.length > 0) throw DiscordErrors.invalidFormBody(fieldErrors);
}

function nestFieldErrors(fieldErrors: readonly FieldErrorAt[]): DiscordFormErrors {
  const root: DiscordFormErrors = {};
  for (const { path, code, message } of fieldErrors) {
    let node = root;
    for (const key of path) {
      const next = (node[String(key)] ??= {}) as DiscordFormErrors;
      node = next;
    }
    (node._errors ??= []).push({ code, message });
  }
  return root;
}
