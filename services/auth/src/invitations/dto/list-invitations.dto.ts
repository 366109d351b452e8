import type { AuthRpc } from '@kinship/contracts';
import { PageDto } from '@kinship/messaging';

export class ListInvitationsDto extends PageDto implements AuthRpc.ListInvitationsRequest {}
