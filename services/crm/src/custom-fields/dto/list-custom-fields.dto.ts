import { IsIn, IsOptional } from 'class-validator';
import { ListDto } from '../../common/list.dto.js';
import { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES, type CustomFieldEntity, type CustomFieldType } from '../custom-field-values.js';

export class ListCustomFieldsDto extends ListDto {
  @IsOptional()
  @IsIn(CUSTOM_FIELD_ENTITIES)
  entity?: CustomFieldEntity;

  @IsOptional()
  @IsIn(CUSTOM_FIELD_TYPES)
  type?: CustomFieldType;
}
