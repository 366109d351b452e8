import type { AuthRpc } from '@kinship/contracts';
import { PageDto } from '../../common/pagination.js';

export class ListInvitationsDto extends PageDto implements AuthRpc.ListInvitationsRequest {}
