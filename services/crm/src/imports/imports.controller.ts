import { Controller } from '@nestjs/common';
import {
  CancelImport,
  CreateImport,
  GetImport,
  ListConflicts,
  ListImportErrors,
  PreviewImport,
  ResolveConflict,
  ResolveConflicts,
  UndoImport,
} from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { ImportsService } from './imports.service.js';

@Controller()
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Handles(CreateImport)
  create({ context, data }: OperationRequest<typeof CreateImport>) {
    return this.imports.create(crmCaller(context), data);
  }

  @Handles(PreviewImport)
  preview({ context, data }: OperationRequest<typeof PreviewImport>) {
    return this.imports.preview(crmCaller(context), data);
  }

  @Handles(GetImport)
  get({ context, data }: OperationRequest<typeof GetImport>) {
    return this.imports.get(crmCaller(context), data.id);
  }

  @Handles(ListImportErrors)
  errors({ context, data }: OperationRequest<typeof ListImportErrors>) {
    return this.imports.errors(crmCaller(context), data);
  }

  @Handles(CancelImport)
  cancel({ context, data }: OperationRequest<typeof CancelImport>) {
    return this.imports.cancel(crmCaller(context), data.id);
  }

  @Handles(UndoImport)
  undo({ context, data }: OperationRequest<typeof UndoImport>) {
    return this.imports.undo(crmCaller(context), data.id);
  }

  @Handles(ListConflicts)
  conflicts({ context, data }: OperationRequest<typeof ListConflicts>) {
    return this.imports.conflicts(crmCaller(context), data);
  }

  @Handles(ResolveConflict)
  resolve({ context, data }: OperationRequest<typeof ResolveConflict>) {
    return this.imports.resolve(crmCaller(context), data);
  }

  @Handles(ResolveConflicts)
  resolveMany({ context, data }: OperationRequest<typeof ResolveConflicts>) {
    return this.imports.resolveMany(crmCaller(context), data);
  }
}
