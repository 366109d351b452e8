import { ApiProperty } from '@nestjs/swagger';

/** One problem, as the error envelope lists it; some carry more keys (e.g. `existingId`, `permission`). */
export class ErrorResponseDetail {
  @ApiProperty({ required: false, example: 'email' })
  field?: string;

  @ApiProperty({ example: 'must be an email' })
  issue!: string;
}

export class ErrorResponseBody {
  @ApiProperty({ example: 403 })
  status!: number;

  @ApiProperty({ example: 'forbidden' })
  code!: string;

  @ApiProperty()
  message!: string;

  @ApiProperty({ type: [ErrorResponseDetail] })
  details!: ErrorResponseDetail[];

  @ApiProperty()
  requestId!: string;
}

/** The body of every error response, for the OpenAPI document (see error-envelope.ts). */
export class ErrorResponse {
  @ApiProperty({ type: ErrorResponseBody })
  error!: ErrorResponseBody;
}
