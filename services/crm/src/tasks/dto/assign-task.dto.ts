import { IsDefined, IsUUID, ValidateIf } from 'class-validator';
import { TaskIdDto } from './task-id.dto.js';

/** `POST /tasks/:id/assign {assigneeId}`; null unassigns. */
export class AssignTaskDto extends TaskIdDto {
  @IsDefined({ message: 'assigneeId is required (null unassigns)' })
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @IsUUID('all')
  assigneeId!: string | null;
}
