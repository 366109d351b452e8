import type { AuthRpc, Role } from '@kinship/contracts';
import type { ChannelPreferences, SettingsBody } from '@kinship/contracts/auth';

export type UserStatus = 'active' | 'deactivated';

/** Per notification type, per channel. */
export type NotificationPreferences = Record<string, ChannelPreferences>;

/** A row of auth.users as the repository returns it. */
export interface UserRecord {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  /** null for an account that signs in only through an identity provider. */
  passwordHash: string | null;
  avatarUrl: string | null;
  /** A crm file (an image), checked with crm when set. */
  avatarFileId: string | null;
  emailVerifiedAt: Date | null;
  /** An address the user asked to move to, not yet proven; the account keeps `email` until then. */
  pendingEmail: string | null;
  locale: string;
  timezone: string;
  notificationPreferences: NotificationPreferences;
  createdAt: Date;
  updatedAt: Date;
}

/** What a user looks like on the wire: never the password hash. */
export function toUser(record: UserRecord): AuthRpc.User {
  return {
    id: record.id,
    workspaceId: record.workspaceId,
    email: record.email,
    name: record.name,
    role: record.role,
    status: record.status,
    avatarUrl: record.avatarUrl,
    avatarFileId: record.avatarFileId,
    emailVerifiedAt: record.emailVerifiedAt?.toISOString() ?? null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** The user as they see themselves: with the address they asked to move to, which others do not see. */
export function toOwnUser(record: UserRecord): AuthRpc.User {
  return { ...toUser(record), pendingEmail: record.pendingEmail };
}

export function toSettings(record: UserRecord): SettingsBody {
  return { locale: record.locale, timezone: record.timezone, notifications: record.notificationPreferences };
}
