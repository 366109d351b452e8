import type { Type } from '@nestjs/common';
import { FILE_OPERATIONS } from '@kinship/contracts/crm';
import { contractController } from '../contract-routes/contract-controller.js';
import { FilesController } from './files.controller.js';

/** API.md "Support and files": files. DELETE, usage and the record lists are crm's contracts; uploads and downloads stream through FilesController. */
export const FILE_ROUTE_CONTROLLERS: Type[] = [contractController('files', FILE_OPERATIONS), FilesController];
