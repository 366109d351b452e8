import { PageDto } from '@kinship/messaging';

export class ListApiKeysDto extends PageDto {}
