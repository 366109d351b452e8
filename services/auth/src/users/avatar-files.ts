import { Injectable } from '@nestjs/common';
import { AVATAR_CONTENT_TYPES } from '@kinship/contracts/auth';
import { DescribeFile } from '@kinship/contracts/crm';
import { callOperation, RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';

const IMAGE_TYPES: ReadonlySet<string> = new Set(AVATAR_CONTENT_TYPES);

/**
 * Files are crm's: whether an avatar's file id is a live image of the caller's workspace, crm
 * answers over NATS (crm.files.describe). Asked before the profile's transaction opens, so the
 * user's row stays unlocked during the round trip.
 */
@Injectable()
export class AvatarFiles {
  constructor(private readonly services: ServiceClient) {}

  /** 422 naming avatarFileId for a deleted, made-up or another workspace's file, or one that is no image. */
  async assertImage(context: RequestContext, workspaceId: string, fileId: string): Promise<void> {
    const file = await callOperation(this.services, DescribeFile, { id: fileId }, { ...context, workspaceId }).catch((error: unknown) => {
      if (error instanceof RpcError && error.status === 404) return null;
      throw error;
    });
    if (!file) throw RpcError.validation([{ field: 'avatarFileId', issue: 'is not a file of this workspace' }]);
    if (!IMAGE_TYPES.has(file.contentType)) {
      throw RpcError.validation([{ field: 'avatarFileId', issue: `must be an image (${AVATAR_CONTENT_TYPES.join(', ')}), not ${file.contentType}` }]);
    }
  }
}
