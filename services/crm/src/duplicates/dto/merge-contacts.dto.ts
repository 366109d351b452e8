import { IsString, MaxLength } from 'class-validator';

/** POST /contacts/:id/merge: `id` survives, `otherId` is merged into it. */
export class MergeContactsDto {
  @IsString()
  @MaxLength(100)
  id!: string;

  @IsString()
  @MaxLength(100)
  otherId!: string;
}
