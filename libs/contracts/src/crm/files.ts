import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import type { Permission } from '../access.js';
import { PageQuery } from '../fields.js';
import { defineOperation, type ContractClass } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';
import { ObjectRecordParams } from './objects.js';

/** The records files attach to, by the path segment of their routes; `record` is a record of a custom object. */
export const FILE_RECORD_TYPES = ['contact', 'company', 'deal', 'ticket', 'note', 'invoice', 'record'] as const;
export type FileRecordType = (typeof FILE_RECORD_TYPES)[number];

/** `/contacts/:id/files` …: the collection path and the permissions of a record type (invoices are billing's, and follow its permissions). */
export const FILE_RECORD_ROUTES: Record<FileRecordType, { path: string; read: Permission; write: Permission }> = {
  contact: { path: 'contacts', read: 'contacts:read', write: 'contacts:write' },
  company: { path: 'companies', read: 'companies:read', write: 'companies:write' },
  deal: { path: 'deals', read: 'deals:read', write: 'deals:write' },
  ticket: { path: 'tickets', read: 'tickets:read', write: 'tickets:write' },
  note: { path: 'notes', read: 'notes:read', write: 'notes:write' },
  invoice: { path: 'invoices', read: 'billing:read', write: 'billing:write' },
  record: { path: 'objects/:object/records', read: 'records:read', write: 'records:write' },
};

/** A file's name as stored: what the uploader called it, without its directories. */
export const FILE_NAME_MAX = 255;

/** The object store key of an uploaded file; only the gateway makes them. */
export const FILE_KEY = /^files\/[0-9a-f-]{36}$/;

export class FileRecordLink {
  @ApiProperty({ enum: FILE_RECORD_TYPES }) @IsIn(FILE_RECORD_TYPES) type!: FileRecordType;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
}

export class StoredFileInfo {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The uploaded file’s name, without directories.' }) name!: string;
  @ApiProperty({ description: 'Detected from the file’s bytes, never from its name; application/octet-stream when unknown.', example: 'image/png' })
  contentType!: string;
  @ApiProperty({ description: 'Bytes.' }) size!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The uploader; null when an API key uploaded it.' }) createdBy!: string | null;
  @ApiProperty({ type: [FileRecordLink], description: 'The records the file is attached to.' }) attachedTo!: FileRecordLink[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class FilePage {
  @ApiProperty({ type: [StoredFileInfo] }) data!: StoredFileInfo[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class FileUsage {
  @ApiProperty({ description: 'Bytes of the workspace’s live files.' }) used!: number;
  @ApiProperty({ description: 'Bytes the workspace may store (FILES_QUOTA_BYTES).' }) quota!: number;
  @ApiProperty({ description: 'quota − used, never below 0.' }) available!: number;
  @ApiProperty({ description: 'Live files.' }) files!: number;
}

/** The multipart form of the uploads, for the OpenAPI document (the gateway streams the part itself). */
export class UploadFileForm {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'The file; its content type is detected from its bytes. At most FILES_MAX_BYTES (25 MB by default).',
  })
  file!: unknown;
}

/** `{fileId}`: attach a file already uploaded with POST /files. */
export class AttachFileBody {
  @ApiProperty({ format: 'uuid', description: 'A live file of the workspace (else 404).' })
  @IsUUID('all')
  fileId!: string;
}

export class RecordFilesQuery extends PageQuery {}

/** Where an upload goes: a file of its own, or attached to a record. */
export class UploadTarget {
  @IsOptional()
  @ValidateNested()
  @Type(() => FileRecordLink)
  attachTo?: FileRecordLink;
}

/** crm.files.prepare's answer: how many bytes the upload may have (the smaller of the quota left and FILES_MAX_BYTES is the gateway's). */
export class UploadAllowance {
  available!: number;
}

/** crm.files.create: the file as the gateway stored it. */
export class CreateFileInput extends UploadTarget {
  @IsString()
  @Matches(FILE_KEY)
  objectKey!: string;

  @IsString()
  @MaxLength(FILE_NAME_MAX)
  name!: string;

  @IsString()
  @MaxLength(255)
  contentType!: string;

  @IsInt()
  @Min(0)
  size!: number;
}

/** crm.files.open's answer: what the gateway streams and under which key the bytes are. */
export class OpenedFile {
  file!: StoredFileInfo;
  objectKey!: string;
}

const RECORD_NOT_FOUND = { status: 404, description: 'No such record in the workspace (another workspace’s ids too), or no such live file.' } as const;
const QUOTA = 'Over the workspace’s storage quota: 413 quota_exceeded, nothing stored.';

export const PrepareUpload = defineOperation({
  pattern: 'crm.files.prepare',
  summary: 'Check an upload before its bytes are read',
  description: 'Between the gateway and crm: the caller may upload (and attach to the record, which must exist), and how many bytes the quota leaves.',
  permission: null,
  input: UploadTarget,
  output: UploadAllowance,
  errors: [NOT_FOUND],
});

export const CreateFile = defineOperation({
  pattern: 'crm.files.create',
  summary: 'Upload a file',
  description: `Multipart, the part "file", streamed to the object store. The content type is detected from the bytes, never from the name. Over FILES_MAX_BYTES (25 MB by default): 413 payload_too_large. ${QUOTA} A refused or broken upload leaves no file behind.`,
  permission: 'files:write',
  input: CreateFileInput,
  output: StoredFileInfo,
  errors: [],
});

export const OpenFile = defineOperation({
  pattern: 'crm.files.open',
  summary: 'Download a file',
  description:
    'The bytes, with Content-Type as detected at upload, Content-Disposition: attachment (RFC 6266 filename*), X-Content-Type-Options: nosniff. A file attached to records needs the read permission of one of them.',
  permission: null,
  params: RecordIdParams,
  output: OpenedFile,
  errors: [NOT_FOUND],
});

/** crm.files.describe: a file id other services were given (auth's avatars). */
export class DescribeFileInput {
  id!: string;
}

export class DescribedFile {
  id!: string;
  contentType!: string;
}

export const DescribeFile = defineOperation({
  pattern: 'crm.files.describe',
  summary: 'What a live file of the caller’s workspace is',
  description:
    'For services that point at files (auth: avatars). No permission of its own: the calling service checks the caller’s. Deleted files, another workspace’s ids and made-up ids are 404.',
  permission: null,
  input: DescribeFileInput,
  output: DescribedFile,
  errors: [NOT_FOUND],
});

export const DeleteFile = defineOperation({
  pattern: 'crm.files.delete',
  summary: 'Delete a file',
  description:
    'Soft delete: the file leaves every record’s list, no longer downloads, and no longer counts against the quota. Members delete only the files they uploaded.',
  permission: 'files:write',
  route: { method: 'DELETE', path: 'files/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const GetFileUsage = defineOperation({
  pattern: 'crm.files.usage',
  summary: 'Read the workspace’s file storage use',
  description: 'Bytes used by live files, the quota and what is left.',
  permission: 'files:read',
  route: { method: 'GET', path: 'files/usage', status: 200 },
  output: FileUsage,
  errors: [],
});

/** The file routes of a record type: `crm.<name>.files.list|attach` on `<path>/:id/files`. */
function recordOperations<Params extends { id: string }>(type: FileRecordType, name: string, params: ContractClass<Params>) {
  const { path, read, write } = FILE_RECORD_ROUTES[type];
  const noun = type === 'record' ? 'custom object record' : type;
  return {
    list: defineOperation({
      pattern: `crm.${name}.files.list`,
      summary: `List a ${noun}’s files`,
      description: `The live files attached to the ${noun}, newest first. 404 when the ${noun} is not in the workspace.`,
      permission: read,
      route: { method: 'GET', path: `${path}/:id/files`, status: 200 },
      params,
      input: RecordFilesQuery,
      output: FilePage,
      errors: [NOT_FOUND],
    }),
    attach: defineOperation({
      pattern: `crm.${name}.files.attach`,
      summary: `Attach a file to a ${noun}`,
      description:
        `Either multipart (the part "file": uploaded, then attached; as POST /files) or JSON {fileId} (a file already uploaded). ` +
        `The ${noun} must be live in the workspace, the caller allowed to change it. ${QUOTA} Attaching a file twice changes nothing.`,
      permission: write,
      route: { method: 'POST', path: `${path}/:id/files`, status: 201 },
      params,
      input: AttachFileBody,
      output: StoredFileInfo,
      errors: [RECORD_NOT_FOUND],
    }),
  };
}

export const RECORD_FILE_OPERATIONS = {
  contact: recordOperations('contact', 'contacts', RecordIdParams),
  company: recordOperations('company', 'companies', RecordIdParams),
  deal: recordOperations('deal', 'deals', RecordIdParams),
  ticket: recordOperations('ticket', 'tickets', RecordIdParams),
  note: recordOperations('note', 'notes', RecordIdParams),
  invoice: recordOperations('invoice', 'invoices', RecordIdParams),
  record: recordOperations('record', 'objects.records', ObjectRecordParams),
} as const;

/** The operations the contract controller serves as they are; uploads, downloads and attaching have the gateway's files controller. */
export const FILE_OPERATIONS = [DeleteFile, GetFileUsage, ...FILE_RECORD_TYPES.map((type) => RECORD_FILE_OPERATIONS[type].list)] as const;
