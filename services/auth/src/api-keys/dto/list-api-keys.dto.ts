import { PageDto } from '../../common/pagination.js';

export class ListApiKeysDto extends PageDto {}
