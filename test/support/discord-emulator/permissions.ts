/**
 * Discord's permission algorithm (guild base permissions, then channel overwrites),
 * so the emulator, the interaction payloads and discord.js' own cache agree.
 */
import { OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIOverwrite, APIRole } from 'discord-api-types/v10';

export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

export interface PermissionSubject {
  userId: string;
  roleIds: readonly string[];
}

/** Discord split pinning out of MANAGE_MESSAGES; either one lets the holder pin during the transition. */
export const PIN_PERMISSIONS = PermissionFlagsBits.ManageMessages | PermissionFlagsBits.PinMessages;

export interface PermissionGuild {
  id: string;
  ownerId: string;
  roles: ReadonlyMap<string, APIRole>;
}

export function basePermissions(guild: PermissionGuild, subject: PermissionSubject): bigint {
  if (subject.userId === guild.ownerId) return ALL_PERMISSIONS;
  // The @everyone role shares the guild's id.
  let permissions = BigInt(guild.roles.get(guild.id)?.permissions ?? '0');
  for (const roleId of subject.roleIds) {
    permissions |= BigInt(guild.roles.get(roleId)?.permissions ?? '0');
  }
  return hasAll(permissions, PermissionFlagsBits.Administrator) ? ALL_PERMISSIONS : permissions;
}

export function channelPermissions(
  guild: PermissionGuild,
  subject: PermissionSubject,
  overwrites: readonly APIOverwrite[],
): bigint {
  let permissions = basePermissions(guild, subject);
  if (permissions === ALL_PERMISSIONS) return ALL_PERMISSIONS;

  const apply = (allow: bigint, deny: bigint) => {
    permissions = (permissions & ~deny) | allow;
  };
  const everyone = overwrites.find((overwrite) => overwrite.id === guild.id);
  if (everyone) apply(BigInt(everyone.allow), BigInt(everyone.deny));

  let roleAllow = 0n;
  let roleDeny = 0n;
  for (const overwrite of overwrites) {
    if (overwrite.type === OverwriteType.Role && subject.roleIds.includes(overwrite.id)) {
      roleAllow |= BigInt(overwrite.allow);
      roleDeny |= BigInt(overwrite.deny);
    }
  }
  apply(roleAllow, roleDeny);

  const own = overwrites.find((overwrite) => overwrite.type === OverwriteType.Member && overwrite.id === subject.userId);
  if (own) apply(BigInt(own.allow), BigInt(own.deny));
  return permissions;
}

export function hasAll(permissions: bigint, required: bigint): boolean {
  return (permissions & required) === required;
}

export function hasAny(permissions: bigint, wanted: bigint): boolean {
  return (permissions & wanted) !== 0n;
}
