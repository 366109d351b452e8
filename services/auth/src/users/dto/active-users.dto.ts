import type { AuthRpc } from '@kinship/contracts';
import { ArrayMaxSize, IsArray, IsString } from 'class-validator';

/** Not checked as UUIDs here: an id that is not one names no user, and is simply not active. */
export class ActiveUsersDto implements AuthRpc.ActiveUsersRequest {
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  userIds!: string[];
}
